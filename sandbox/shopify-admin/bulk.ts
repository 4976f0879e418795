import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import path from "node:path";
import { setImmediate as nextTick } from "node:timers/promises";
import {
  getArgumentValues,
  getNamedType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from "graphql";
import { BULK_ITEMS, connection, legacyId, type BulkSource } from "./connection";
import { dateTime, unsignedInt64 } from "./format";
import { validateLikeShopify } from "./errors";
import { bulkOperationFinishPayload } from "./payloads";
import type { ResolverRegistry } from "./resolvers/index";
import type { ResolverModule, SandboxContext } from "./resolvers/types";
import { compileSearch, matchDate, matchExact, matchNumber } from "./search";
import { newGid, type BulkOperation, type ShopState } from "./store";

/**
 * Bulk query operations (https://shopify.dev/docs/api/usage/bulk-operations/queries): the inner
 * query is checked with Shopify's rules, then run over the whole store in the background,
 * ignoring `first`/`after`, and written line by line to a JSONL file served at
 * `<sandbox>/_sandbox/bulk/<id>.jsonl`. Each connection node is one line; nodes of nested
 * connections are separate lines carrying `__parentId`. Rows are produced and written one root
 * object at a time with backpressure, so memory stays flat for any store size.
 */

export const MAX_CONCURRENT_BULK_QUERIES = 5;
const MAX_CONNECTIONS = 5;
const MAX_NESTING = 2;
/** Alias the bulk runner gives its synthetic root field; the server's field resolver answers it. */
export const BULK_ROOT_ALIAS = "__sandboxBulkRoot";
const HIDDEN_ID_ALIAS = "__sandboxBulkId";

export interface BulkUserError {
  field: string[] | null;
  message: string;
  code: "INVALID" | "OPERATION_IN_PROGRESS" | "LIMIT_REACHED" | null;
}

interface LinePlan {
  nested: {
    /** Response keys from the line object down to the connection field. */
    path: string[];
    edgesKeys: { edges: string; node: string }[];
    nodesKeys: string[];
    child: LinePlan;
  }[];
  /** Whether the hidden id alias was added to this line's selection. */
  hiddenId: boolean;
}

interface PreparedQuery {
  rootField: string;
  rootArgs: Record<string, unknown>;
  document: DocumentNode;
  plan: LinePlan;
}

export interface BulkDeps {
  schema: GraphQLSchema;
  registry: () => ResolverRegistry;
  execute: (
    document: DocumentNode,
    ctx: SandboxContext & { bulkItem: unknown },
  ) => Promise<ExecutionResult> | ExecutionResult;
  context: (shop: ShopState) => SandboxContext;
  baseUrl: () => string;
  now: () => Date;
  emitWebhook: (shop: ShopState, topic: string, payload: unknown) => void;
}

export class BulkRunner {
  // Created on the first run, so a sandbox that never runs a bulk query leaves nothing behind.
  private directory: string | null = null;
  private readonly files = new Map<string, string>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: BulkDeps) {}

  /** `bulkOperationRunQuery`: validates, records the operation as CREATED, runs it in the background. */
  start(
    shop: ShopState,
    query: string,
    groupObjects: boolean,
  ): { operation: BulkOperation | null; userErrors: BulkUserError[] } {
    const prepared = prepareBulkQuery(this.deps.schema, query);
    if ("userErrors" in prepared) return { operation: null, userErrors: prepared.userErrors };
    const active = [...shop.bulkOperations.values()].filter(
      (operation) =>
        operation.type === "QUERY" && ["CREATED", "RUNNING", "CANCELING"].includes(operation.status),
    );
    if (active.length >= MAX_CONCURRENT_BULK_QUERIES) {
      return {
        operation: null,
        userErrors: [
          {
            field: null,
            message: `A maximum of ${MAX_CONCURRENT_BULK_QUERIES} bulk query operations can run at the same time for this app and shop. Wait for one to finish and try again.`,
            code: "LIMIT_REACHED",
          },
        ],
      };
    }
    const operation: BulkOperation = {
      id: newGid(shop, "BulkOperation"),
      status: "CREATED",
      type: "QUERY",
      query,
      groupObjects,
      errorCode: null,
      objectCount: 0,
      rootObjectCount: 0,
      fileSize: null,
      url: null,
      partialDataUrl: null,
      createdAt: dateTime(this.deps.now())!,
      completedAt: null,
    };
    shop.bulkOperations.set(operation.id, operation);
    const work = this.run(shop, operation, prepared).finally(() => this.running.delete(work));
    this.running.add(work);
    return { operation, userErrors: [] };
  }

  cancel(shop: ShopState, id: string): { operation: BulkOperation | null; userErrors: BulkUserError[] } {
    const operation = shop.bulkOperations.get(id);
    if (!operation) {
      return {
        operation: null,
        userErrors: [{ field: ["id"], message: "Bulk operation does not exist", code: null }],
      };
    }
    if (operation.status !== "CREATED" && operation.status !== "RUNNING") {
      return {
        operation,
        userErrors: [
          {
            field: null,
            message: `A bulk operation cannot be canceled when it is ${operation.status.toLowerCase()}`,
            code: null,
          },
        ],
      };
    }
    operation.status = "CANCELING";
    return { operation, userErrors: [] };
  }

  /** Local path of a finished result file, by the name in its URL. */
  filePath(name: string): string | undefined {
    return this.files.get(name);
  }

  /** Waits for every operation started so far (tests). */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  async stop(): Promise<void> {
    await this.settle();
    if (this.directory) rmSync(this.directory, { recursive: true, force: true });
  }

  private async run(shop: ShopState, operation: BulkOperation, prepared: PreparedQuery): Promise<void> {
    // Shopify queues the job first: clients see CREATED in the mutation response, then RUNNING.
    await nextTick();
    if (operation.status === "CANCELING") return this.finish(shop, operation, "CANCELED", null);
    operation.status = "RUNNING";

    const name = this.fileName(operation);
    this.directory ??= mkdtempSync(path.join(tmpdir(), "shopify-sandbox-bulk-"));
    const file = path.join(this.directory, name);
    const stream = createWriteStream(file);
    let bytes = 0;
    const write = async (line: string) => {
      bytes += Buffer.byteLength(line);
      if (!stream.write(line)) await once(stream, "drain");
    };

    try {
      const ctx = { ...this.deps.context(shop), bulk: true };
      const registry = this.deps.registry();
      const rootConnection = (await registry.Query[prepared.rootField](prepared.rootArgs, ctx, {
        fieldName: prepared.rootField,
        path: { key: prepared.rootField, prev: undefined, typename: "QueryRoot" },
      } as never)) as Record<symbol, unknown>;
      const source = rootConnection?.[BULK_ITEMS] as BulkSource | undefined;
      if (!source)
        throw new Error(`Query.${prepared.rootField} does not support bulk operations in the sandbox`);

      for (let index = 0; index < source.items.length; index += 1) {
        if ((operation.status as BulkOperation["status"]) === "CANCELING") {
          stream.end();
          await once(stream, "finish");
          return this.finish(shop, operation, "CANCELED", null);
        }
        const result = await this.deps.execute(prepared.document, {
          ...ctx,
          bulkItem: source.view(source.items[index]),
        });
        if (result.errors?.length) throw new Error(result.errors.map((error) => error.message).join("; "));
        const root = (result.data as Record<string, unknown>)[BULK_ROOT_ALIAS] as Record<string, unknown>;
        for (const line of flatten(root, prepared.plan, null)) {
          await write(`${JSON.stringify(line)}\n`);
          operation.objectCount += 1;
        }
        operation.rootObjectCount += 1;
        // Let the server answer polls while a large export runs.
        if (index % 256 === 255) await nextTick();
      }
      stream.end();
      await once(stream, "finish");
      operation.fileSize = bytes;
      // Shopify returns no URL when the query matched nothing.
      operation.url = operation.objectCount > 0 ? `${this.deps.baseUrl()}/_sandbox/bulk/${name}` : null;
      this.files.set(name, file);
      this.finish(shop, operation, "COMPLETED", null);
    } catch {
      stream.end();
      await once(stream, "finish").catch(() => undefined);
      this.files.set(name, file);
      operation.partialDataUrl = bytes > 0 ? `${this.deps.baseUrl()}/_sandbox/bulk/${name}` : null;
      this.finish(shop, operation, "FAILED", "INTERNAL_SERVER_ERROR");
    }
  }

  private fileName(operation: BulkOperation): string {
    const base = String(legacyId(operation.id));
    // Ids are per shop in the sandbox; keep file names unique across shops anyway.
    let name = `${base}.jsonl`;
    for (let n = 2; this.files.has(name); n += 1) name = `${base}-${n}.jsonl`;
    return name;
  }

  private finish(
    shop: ShopState,
    operation: BulkOperation,
    status: BulkOperation["status"],
    errorCode: BulkOperation["errorCode"],
  ): void {
    operation.status = status;
    operation.errorCode = errorCode;
    operation.completedAt = dateTime(this.deps.now());
    this.deps.emitWebhook(shop, "bulk_operations/finish", bulkOperationFinishPayload(operation));
  }
}

/** Turns one executed root object into its JSONL lines: the object, then its connections' nodes. */
function* flatten(
  object: Record<string, unknown>,
  plan: LinePlan,
  parentId: string | null,
): Generator<Record<string, unknown>> {
  const children: { items: Record<string, unknown>[]; plan: LinePlan }[] = [];
  for (const nested of plan.nested) {
    let container: Record<string, unknown> | null = object;
    for (const key of nested.path.slice(0, -1)) {
      container = (container?.[key] as Record<string, unknown> | null) ?? null;
    }
    const key = nested.path[nested.path.length - 1];
    const value = container?.[key] as Record<string, unknown> | null | undefined;
    if (!container || !value) continue;
    delete container[key];
    let items: Record<string, unknown>[] = [];
    for (const { edges, node } of nested.edgesKeys) {
      for (const edge of (value[edges] as Record<string, unknown>[] | undefined) ?? []) {
        if (edge?.[node]) items.push(edge[node] as Record<string, unknown>);
      }
    }
    if (items.length === 0) {
      for (const nodesKey of nested.nodesKeys) {
        items = items.concat(
          ((value[nodesKey] as Record<string, unknown>[] | undefined) ?? []).filter(Boolean),
        );
      }
    }
    children.push({ items, plan: nested.child });
  }
  const id = (object[HIDDEN_ID_ALIAS] ?? object.id ?? null) as string | null;
  if (plan.hiddenId) delete object[HIDDEN_ID_ALIAS];
  // Shopify puts __parentId last on child lines.
  yield parentId === null ? object : { ...object, __parentId: parentId };
  for (const child of children) {
    for (const item of child.items) yield* flatten(item, child.plan, id);
  }
}

// ---- validation and preparation of the inner query ----

function userError(message: string): { userErrors: BulkUserError[] } {
  return { userErrors: [{ field: ["query"], message, code: "INVALID" }] };
}

function isConnectionType(type: GraphQLNamedType): type is GraphQLObjectType {
  return isObjectType(type) && type.name.endsWith("Connection") && "pageInfo" in type.getFields();
}

function containsList(type: GraphQLOutputType): boolean {
  const inner = isNonNullType(type) ? type.ofType : type;
  return isListType(inner);
}

/** Fields of a selection set with inline fragments and spreads flattened (type conditions ignored). */
function flatFields(
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) fields.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT)
      fields.push(...flatFields(selection.selectionSet, fragments));
    else if (fragments[selection.name.value])
      fields.push(...flatFields(fragments[selection.name.value].selectionSet, fragments));
  }
  return fields;
}

function fieldType(
  parent: GraphQLNamedType,
  field: FieldNode,
  schema: GraphQLSchema,
): GraphQLOutputType | undefined {
  if (isObjectType(parent) || isInterfaceType(parent)) return parent.getFields()[field.name.value]?.type;
  // Unions: look the field up on the fragment's own type at the point of use (handled by callers).
  void schema;
  return undefined;
}

function typeForSelection(
  parent: GraphQLNamedType,
  selection: SelectionNode,
  schema: GraphQLSchema,
  fragments: Record<string, FragmentDefinitionNode>,
): GraphQLNamedType {
  const condition =
    selection.kind === Kind.INLINE_FRAGMENT
      ? selection.typeCondition?.name.value
      : selection.kind === Kind.FRAGMENT_SPREAD
        ? fragments[selection.name.value]?.typeCondition.name.value
        : undefined;
  return (condition && schema.getType(condition)) || parent;
}

/** Counts connections and their nesting like Shopify's bulk validator. */
function scan(
  schema: GraphQLSchema,
  fragments: Record<string, FragmentDefinitionNode>,
  selectionSet: SelectionSetNode,
  parent: GraphQLNamedType,
  depth: number,
  inList: boolean,
  stats: { connections: number; maxDepth: number; connectionInList: boolean },
): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) {
      const fragmentSet =
        selection.kind === Kind.INLINE_FRAGMENT
          ? selection.selectionSet
          : fragments[selection.name.value]?.selectionSet;
      if (fragmentSet)
        scan(
          schema,
          fragments,
          fragmentSet,
          typeForSelection(parent, selection, schema, fragments),
          depth,
          inList,
          stats,
        );
      continue;
    }
    const type = fieldType(parent, selection, schema);
    if (!type || !selection.selectionSet) continue;
    const named = getNamedType(type);
    if (isConnectionType(named)) {
      stats.connections += 1;
      stats.maxDepth = Math.max(stats.maxDepth, depth + 1);
      if (inList) stats.connectionInList = true;
      for (const field of flatFields(selection.selectionSet, fragments)) {
        if (!field.selectionSet) continue;
        if (field.name.value === "nodes") {
          scan(
            schema,
            fragments,
            field.selectionSet,
            getNamedType(named.getFields().nodes.type),
            depth + 1,
            false,
            stats,
          );
        } else if (field.name.value === "edges") {
          const edgeType = getNamedType(named.getFields().edges.type) as GraphQLObjectType;
          for (const edgeField of flatFields(field.selectionSet, fragments)) {
            if (edgeField.name.value === "node" && edgeField.selectionSet) {
              scan(
                schema,
                fragments,
                edgeField.selectionSet,
                getNamedType(edgeType.getFields().node.type),
                depth + 1,
                false,
                stats,
              );
            }
          }
        }
      }
    } else {
      scan(schema, fragments, selection.selectionSet, named, depth, inList || containsList(type), stats);
    }
  }
}

function name(value: string) {
  return { kind: Kind.NAME, value } as const;
}

/**
 * Rewrites a line object's selection set for execution: fragment spreads are inlined, the line's
 * nested connections are recorded in the plan, and a hidden `id` is added where children need
 * their parent's id for `__parentId`.
 */
function transformLine(
  schema: GraphQLSchema,
  fragments: Record<string, FragmentDefinitionNode>,
  selectionSet: SelectionSetNode,
  type: GraphQLNamedType,
): { selectionSet: SelectionSetNode; plan: LinePlan } {
  const plan: LinePlan = { nested: [], hiddenId: false };
  const rewritten = rewriteObject(schema, fragments, selectionSet, type, [], plan);
  const hasId = (isObjectType(type) || isInterfaceType(type)) && "id" in type.getFields();
  if (plan.nested.length > 0 && hasId) {
    plan.hiddenId = true;
    return {
      plan,
      selectionSet: {
        ...rewritten,
        selections: [
          ...rewritten.selections,
          { kind: Kind.FIELD, alias: name(HIDDEN_ID_ALIAS), name: name("id") },
        ],
      },
    };
  }
  return { selectionSet: rewritten, plan };
}

function rewriteObject(
  schema: GraphQLSchema,
  fragments: Record<string, FragmentDefinitionNode>,
  selectionSet: SelectionSetNode,
  type: GraphQLNamedType,
  keyPath: string[],
  plan: LinePlan,
): SelectionSetNode {
  const selections: SelectionNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT || selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragmentSet =
        selection.kind === Kind.INLINE_FRAGMENT
          ? selection.selectionSet
          : fragments[selection.name.value].selectionSet;
      const conditionName =
        selection.kind === Kind.INLINE_FRAGMENT
          ? selection.typeCondition?.name.value
          : fragments[selection.name.value].typeCondition.name.value;
      const inner = typeForSelection(type, selection, schema, fragments);
      const inline: InlineFragmentNode = {
        kind: Kind.INLINE_FRAGMENT,
        typeCondition: conditionName ? { kind: Kind.NAMED_TYPE, name: name(conditionName) } : undefined,
        directives: selection.directives,
        selectionSet: rewriteObject(schema, fragments, fragmentSet, inner, keyPath, plan),
      };
      selections.push(inline);
      continue;
    }
    const fieldTypeRef = fieldType(type, selection, schema);
    if (!fieldTypeRef || !selection.selectionSet) {
      selections.push(selection);
      continue;
    }
    const key = selection.alias?.value ?? selection.name.value;
    const named = getNamedType(fieldTypeRef);
    if (!isConnectionType(named)) {
      selections.push({
        ...selection,
        selectionSet: rewriteObject(
          schema,
          fragments,
          selection.selectionSet,
          named,
          [...keyPath, key],
          plan,
        ),
      });
      continue;
    }
    // A nested connection: each node becomes its own line.
    const entry: LinePlan["nested"][number] = {
      path: [...keyPath, key],
      edgesKeys: [],
      nodesKeys: [],
      child: { nested: [], hiddenId: false },
    };
    const connectionSelections: SelectionNode[] = [];
    for (const field of flatFields(selection.selectionSet, fragments)) {
      if (field.name.value === "edges" && field.selectionSet) {
        const edgeType = getNamedType(named.getFields().edges.type) as GraphQLObjectType;
        const edgeSelections: SelectionNode[] = [];
        for (const edgeField of flatFields(field.selectionSet, fragments)) {
          if (edgeField.name.value !== "node" || !edgeField.selectionSet) continue;
          const line = transformLine(
            schema,
            fragments,
            edgeField.selectionSet,
            getNamedType(edgeType.getFields().node.type),
          );
          entry.child = line.plan;
          entry.edgesKeys.push({
            edges: field.alias?.value ?? "edges",
            node: edgeField.alias?.value ?? "node",
          });
          edgeSelections.push({ ...edgeField, selectionSet: line.selectionSet });
        }
        connectionSelections.push({
          ...field,
          selectionSet: { kind: Kind.SELECTION_SET, selections: edgeSelections },
        });
      } else if (field.name.value === "nodes" && field.selectionSet) {
        const line = transformLine(
          schema,
          fragments,
          field.selectionSet,
          getNamedType(named.getFields().nodes.type),
        );
        if (entry.edgesKeys.length === 0) entry.child = line.plan;
        entry.nodesKeys.push(field.alias?.value ?? "nodes");
        connectionSelections.push({ ...field, selectionSet: line.selectionSet });
      }
    }
    plan.nested.push(entry);
    selections.push({
      ...selection,
      selectionSet: { kind: Kind.SELECTION_SET, selections: connectionSelections },
    });
  }
  return { kind: Kind.SELECTION_SET, selections };
}

/** Checks the inner query with Shopify's bulk rules and builds what the runner executes per root object. */
export function prepareBulkQuery(
  schema: GraphQLSchema,
  query: string,
): PreparedQuery | { userErrors: BulkUserError[] } {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return userError(`Invalid bulk query: ${(error as Error).message.replace(/^Syntax Error: /, "")}`);
  }
  const validation = validateLikeShopify(schema, document);
  if (validation.length > 0) return userError(`Invalid bulk query: ${validation[0].message}`);
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (operations.length !== 1 || operations[0].operation !== "query") {
    return userError("Bulk queries must contain exactly one query operation.");
  }
  if ((operations[0].variableDefinitions ?? []).length > 0) {
    return userError("Bulk queries cannot use variables.");
  }
  const fragments = Object.fromEntries(
    document.definitions
      .filter(
        (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION,
      )
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const queryType = schema.getQueryType()!;
  const rootFields = flatFields(operations[0].selectionSet, fragments).filter(
    (field) => !field.name.value.startsWith("__"),
  );
  if (rootFields.some((field) => field.name.value === "node" || field.name.value === "nodes")) {
    return userError("Bulk queries cannot contain top level `node` or `nodes` fields.");
  }

  const stats = { connections: 0, maxDepth: 0, connectionInList: false };
  scan(schema, fragments, operations[0].selectionSet, queryType, 0, false, stats);
  if (stats.connections === 0) return userError("Bulk queries must contain at least one connection.");
  if (stats.connections > MAX_CONNECTIONS) {
    return userError(`Bulk queries cannot contain more than ${MAX_CONNECTIONS} connections.`);
  }
  if (stats.maxDepth > MAX_NESTING) {
    return userError(
      `Bulk queries cannot contain connections with a nesting depth greater than ${MAX_NESTING}.`,
    );
  }
  if (stats.connectionInList) {
    return userError(
      "Queries that contain a connection field within a list field are not currently supported.",
    );
  }
  if (rootFields.length !== 1) return userError("Bulk queries must contain exactly one top-level field.");

  const rootField = rootFields[0];
  const rootDefinition = queryType.getFields()[rootField.name.value];
  const connectionType = getNamedType(rootDefinition.type);
  if (!isConnectionType(connectionType) || !rootField.selectionSet) {
    // A sandbox limit: Shopify also accepts e.g. `{ product(id:) { variants { … } } }`.
    return userError(
      "The sandbox runs bulk queries whose top-level field is a connection (e.g. `products`).",
    );
  }
  const nodeType = getNamedType(connectionType.getFields().nodes.type) as GraphQLObjectType;
  if (!nodeType.getInterfaces().some((candidate) => candidate.name === "Node")) {
    return userError(
      `The sandbox cannot run bulk queries over ${connectionType.name} (its nodes are not Nodes).`,
    );
  }

  // Every `edges { node { … } }` and `nodes { … }` selection of the root connection, merged.
  const nodeSelections: SelectionNode[] = [];
  for (const field of flatFields(rootField.selectionSet, fragments)) {
    if (field.name.value === "nodes" && field.selectionSet)
      nodeSelections.push(...field.selectionSet.selections);
    if (field.name.value === "edges" && field.selectionSet) {
      for (const edgeField of flatFields(field.selectionSet, fragments)) {
        if (edgeField.name.value === "node" && edgeField.selectionSet)
          nodeSelections.push(...edgeField.selectionSet.selections);
      }
    }
  }
  const line = transformLine(
    schema,
    fragments,
    { kind: Kind.SELECTION_SET, selections: nodeSelections },
    nodeType,
  );
  const syntheticDocument: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: "query" as never,
        selectionSet: {
          kind: Kind.SELECTION_SET,
          selections: [
            {
              kind: Kind.FIELD,
              alias: name(BULK_ROOT_ALIAS),
              name: name("node"),
              arguments: [
                { kind: Kind.ARGUMENT, name: name("id"), value: { kind: Kind.STRING, value: "bulk" } },
              ],
              selectionSet: {
                kind: Kind.SELECTION_SET,
                selections: [
                  {
                    kind: Kind.INLINE_FRAGMENT,
                    typeCondition: { kind: Kind.NAMED_TYPE, name: name(nodeType.name) },
                    selectionSet: line.selectionSet,
                  },
                ],
              },
            },
          ],
        },
      },
    ],
  };
  return {
    rootField: rootField.name.value,
    rootArgs: getArgumentValues(rootDefinition, rootField, {}),
    document: syntheticDocument,
    plan: line.plan,
  };
}

// ---- resolvers ----

function bulkOperationView(operation: BulkOperation) {
  return {
    __typename: "BulkOperation",
    id: operation.id,
    status: operation.status,
    type: operation.type,
    query: operation.query,
    errorCode: operation.errorCode,
    objectCount: unsignedInt64(operation.objectCount),
    rootObjectCount: unsignedInt64(operation.rootObjectCount),
    fileSize: operation.fileSize === null ? null : unsignedInt64(operation.fileSize),
    url: operation.url,
    partialDataUrl: operation.partialDataUrl,
    createdAt: operation.createdAt,
    completedAt: operation.completedAt,
  };
}

function userErrorsView(errors: BulkUserError[]) {
  return errors.map((error) => ({ __typename: "BulkOperationUserError", ...error }));
}

export function bulkResolvers(runner: BulkRunner): ResolverModule {
  return {
    Node: {
      BulkOperation: (id, ctx) => {
        const operation = ctx.shop.bulkOperations.get(id);
        return operation ? bulkOperationView(operation) : null;
      },
    },
    Query: {
      bulkOperation: (args, ctx) => {
        const operation = ctx.shop.bulkOperations.get(String(args.id));
        return operation ? bulkOperationView(operation) : null;
      },
      bulkOperations: (args, ctx) => {
        const search = compileSearch<BulkOperation>(args.query, {
          default: () => true,
          fields: {
            status: (operation, term) => matchExact([operation.status], term),
            operation_type: (operation, term) => matchExact([operation.type], term),
            created_at: (operation, term) => matchDate(operation.createdAt, term, ctx.now()),
            id: (operation, term) => matchNumber(legacyId(operation.id), term),
          },
        });
        const sortKey = (args.sortKey as string | undefined) ?? "CREATED_AT";
        const value = (operation: BulkOperation) =>
          sortKey === "COMPLETED_AT" ? (operation.completedAt ?? "") : operation.createdAt;
        const sorted = [...ctx.shop.bulkOperations.values()]
          .filter((operation) => search.matches(operation))
          .sort((a, b) =>
            value(a) === value(b) ? legacyId(a.id) - legacyId(b.id) : value(a) < value(b) ? -1 : 1,
          );
        if (args.reverse) sorted.reverse();
        return connection(sorted, args, ctx, {
          id: (operation) => operation.id,
          sortValue: value,
          reverse: !!args.reverse,
          view: bulkOperationView,
        });
      },
      currentBulkOperation: (args, ctx) => {
        const type = (args.type as string | undefined) ?? "QUERY";
        const latest = [...ctx.shop.bulkOperations.values()]
          .filter((operation) => operation.type === type)
          .sort((a, b) => legacyId(b.id) - legacyId(a.id))[0];
        return latest ? bulkOperationView(latest) : null;
      },
    },
    Mutation: {
      bulkOperationRunQuery: (args, ctx) => {
        const { operation, userErrors } = runner.start(
          ctx.shop,
          String(args.query),
          Boolean(args.groupObjects),
        );
        return {
          bulkOperation: operation ? bulkOperationView(operation) : null,
          userErrors: userErrorsView(userErrors),
        };
      },
      bulkOperationCancel: (args, ctx) => {
        const { operation, userErrors } = runner.cancel(ctx.shop, String(args.id));
        return {
          bulkOperation: operation ? bulkOperationView(operation) : null,
          userErrors: userErrorsView(userErrors),
        };
      },
    },
  };
}

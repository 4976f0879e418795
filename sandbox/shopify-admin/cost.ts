import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isInterfaceType,
  isLeafType,
  isObjectType,
  type DirectiveNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

/**
 * Shopify's calculated query cost (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits):
 * scalars and enums cost 0, objects 1, a connection 2 plus its page size times the cost of one
 * element (so nested connections multiply), interfaces and unions the most expensive possible
 * selection, and a mutation's root field 10. The requested cost is computed from the document
 * before execution; the actual cost from the returned data (fewer edges, null objects).
 */
export const MUTATION_COST = 10;
export const MAX_SINGLE_QUERY_COST = 1000;

interface CostInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

export function requestedQueryCost(input: CostInput): number {
  const root = rootType(input);
  if (!root) return 0;
  return selectionCost(
    input,
    input.operation.selectionSet,
    root,
    null,
    input.operation.operation === "mutation",
  );
}

export function actualQueryCost(input: CostInput, data: Record<string, unknown> | null | undefined): number {
  const root = rootType(input);
  if (!root || !data) return 0;
  return selectionCost(
    input,
    input.operation.selectionSet,
    root,
    data,
    input.operation.operation === "mutation",
  );
}

function rootType({ schema, operation }: CostInput): GraphQLObjectType | null | undefined {
  return operation.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
}

/** Fields of a selection set that apply to `type`, with fragments expanded and @skip/@include applied. */
function collectFields(
  input: CostInput,
  selectionSet: SelectionSetNode,
  type: GraphQLNamedType,
  out: FieldNode[] = [],
  visited = new Set<string>(),
): FieldNode[] {
  for (const selection of selectionSet.selections) {
    if (!included(input, selection)) continue;
    if (selection.kind === "Field") {
      out.push(selection);
    } else if (selection.kind === "InlineFragment") {
      if (!selection.typeCondition || appliesTo(input, selection.typeCondition.name.value, type)) {
        collectFields(input, selection.selectionSet, type, out, visited);
      }
    } else {
      const fragment = input.fragments[selection.name.value];
      if (!fragment || visited.has(fragment.name.value)) continue;
      visited.add(fragment.name.value);
      if (appliesTo(input, fragment.typeCondition.name.value, type)) {
        collectFields(input, fragment.selectionSet, type, out, visited);
      }
    }
  }
  return out;
}

function appliesTo(input: CostInput, condition: string, type: GraphQLNamedType): boolean {
  if (condition === type.name) return true;
  const conditionType = input.schema.getType(condition);
  if (conditionType && isAbstractType(conditionType) && isObjectType(type)) {
    return input.schema.isSubType(conditionType, type);
  }
  return false;
}

function included(input: CostInput, node: { directives?: readonly DirectiveNode[] }): boolean {
  const skip = getDirectiveValues(GraphQLSkipDirective, node, input.variables);
  if (skip?.if === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, node, input.variables);
  return include?.if !== false;
}

/** Concrete types a selection on an abstract type can take, limited to those the selection names. */
function candidateTypes(
  input: CostInput,
  selectionSet: SelectionSetNode,
  type: GraphQLCompositeType,
): GraphQLNamedType[] {
  if (!isAbstractType(type)) return [type];
  const named = new Set<string>();
  const walk = (set: SelectionSetNode, seen: Set<string>) => {
    for (const selection of set.selections) {
      if (selection.kind === "InlineFragment") {
        if (selection.typeCondition) named.add(selection.typeCondition.name.value);
        walk(selection.selectionSet, seen);
      } else if (selection.kind === "FragmentSpread") {
        const fragment = input.fragments[selection.name.value];
        if (fragment && !seen.has(fragment.name.value)) {
          seen.add(fragment.name.value);
          named.add(fragment.typeCondition.name.value);
          walk(fragment.selectionSet, seen);
        }
      }
    }
  };
  walk(selectionSet, new Set());
  const candidates: GraphQLNamedType[] = [type];
  for (const name of named) {
    const candidate = input.schema.getType(name);
    if (candidate && isObjectType(candidate) && input.schema.isSubType(type, candidate))
      candidates.push(candidate);
  }
  return candidates;
}

function isConnection(type: GraphQLNamedType): boolean {
  return isObjectType(type) && type.name.endsWith("Connection") && "pageInfo" in type.getFields();
}

function selectionCost(
  input: CostInput,
  selectionSet: SelectionSetNode,
  type: GraphQLCompositeType,
  data: Record<string, unknown> | null,
  mutationRoot = false,
): number {
  let best = 0;
  for (const candidate of candidateTypes(input, selectionSet, type)) {
    let sum = 0;
    for (const node of collectFields(input, selectionSet, candidate)) {
      sum += fieldCost(input, node, candidate, data, mutationRoot);
    }
    best = Math.max(best, sum);
  }
  return best;
}

function fieldDefinition(type: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
}

function fieldCost(
  input: CostInput,
  node: FieldNode,
  parent: GraphQLNamedType,
  data: Record<string, unknown> | null,
  mutationRoot: boolean,
): number {
  if (node.name.value.startsWith("__")) return 0;
  if (mutationRoot) return MUTATION_COST;
  const definition = fieldDefinition(parent, node.name.value);
  if (!definition) return 0;
  const named = getNamedType(definition.type);
  if (isLeafType(named)) return 0;
  const key = node.alias?.value ?? node.name.value;
  const value = data ? data[key] : undefined;
  if (data && (value === null || value === undefined)) return 0;
  if (!node.selectionSet) return 0;

  if (isConnection(named)) {
    if (data)
      return 2 + connectionElementsActualCost(input, node.selectionSet, named as GraphQLObjectType, value);
    const args = safeArguments(definition, node, input.variables);
    const size = Number(args.first ?? args.last ?? 0);
    return 2 + size * connectionElementCost(input, node.selectionSet, named as GraphQLObjectType);
  }

  const composite = named as GraphQLCompositeType;
  const sample = Array.isArray(value) ? (value.find((item) => item !== null) ?? null) : (value ?? null);
  if (data && Array.isArray(value) && sample === null) return 1;
  return (
    1 + selectionCost(input, node.selectionSet, composite, data ? (sample as Record<string, unknown>) : null)
  );
}

function safeArguments(
  definition: GraphQLField<unknown, unknown>,
  node: FieldNode,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  try {
    return getArgumentValues(definition, node, variables);
  } catch {
    return {};
  }
}

/** Cost of one element of a connection: `edges { node }` and `nodes` (the node object counts 1). */
function connectionElementCost(
  input: CostInput,
  selectionSet: SelectionSetNode,
  connection: GraphQLObjectType,
): number {
  let cost = 0;
  for (const field of collectFields(input, selectionSet, connection)) {
    const definition = connection.getFields()[field.name.value];
    if (!definition || !field.selectionSet) continue;
    if (field.name.value === "edges") {
      const edgeType = getNamedType(definition.type) as GraphQLObjectType;
      for (const edgeField of collectFields(input, field.selectionSet, edgeType)) {
        const edgeDefinition = edgeType.getFields()[edgeField.name.value];
        if (edgeField.name.value === "node" && edgeDefinition && edgeField.selectionSet) {
          cost +=
            1 +
            selectionCost(
              input,
              edgeField.selectionSet,
              getNamedType(edgeDefinition.type) as GraphQLCompositeType,
              null,
            );
        }
      }
    } else if (field.name.value === "nodes") {
      cost +=
        1 +
        selectionCost(input, field.selectionSet, getNamedType(definition.type) as GraphQLCompositeType, null);
    }
  }
  return cost;
}

function connectionElementsActualCost(
  input: CostInput,
  selectionSet: SelectionSetNode,
  connection: GraphQLObjectType,
  value: unknown,
): number {
  const data = value as Record<string, unknown>;
  let cost = 0;
  for (const field of collectFields(input, selectionSet, connection)) {
    const definition = connection.getFields()[field.name.value];
    const list = data[field.alias?.value ?? field.name.value];
    if (!definition || !field.selectionSet || !Array.isArray(list)) continue;
    if (field.name.value === "edges") {
      const edgeType = getNamedType(definition.type) as GraphQLObjectType;
      for (const edge of list as Record<string, unknown>[]) {
        for (const edgeField of collectFields(input, field.selectionSet, edgeType)) {
          const edgeDefinition = edgeType.getFields()[edgeField.name.value];
          const node = edge?.[edgeField.alias?.value ?? edgeField.name.value];
          if (edgeField.name.value === "node" && edgeDefinition && edgeField.selectionSet && node) {
            const nodeType = getNamedType(edgeDefinition.type) as GraphQLCompositeType;
            cost +=
              1 + selectionCost(input, edgeField.selectionSet, nodeType, node as Record<string, unknown>);
          }
        }
      }
    } else if (field.name.value === "nodes") {
      const nodeType = getNamedType(definition.type) as GraphQLCompositeType;
      for (const node of list as Record<string, unknown>[]) {
        if (node) cost += 1 + selectionCost(input, field.selectionSet, nodeType, node);
      }
    }
  }
  return cost;
}

/**
 * The per-shop leaky bucket (per app and store on Shopify): `maximumAvailable` points that refill
 * at `restoreRate` points per second of the sandbox clock. A request reserves its requested cost
 * up front and gets the difference to its actual cost back afterwards.
 */
export class LeakyBucket {
  private available: number;
  private updatedAt: number;

  constructor(
    readonly maximumAvailable: number,
    readonly restoreRate: number,
    private readonly now: () => Date,
  ) {
    this.available = maximumAvailable;
    this.updatedAt = now().getTime();
  }

  currentlyAvailable(): number {
    const at = this.now().getTime();
    const elapsed = Math.max(0, at - this.updatedAt) / 1000;
    this.available = Math.min(this.maximumAvailable, this.available + elapsed * this.restoreRate);
    this.updatedAt = at;
    return this.available;
  }

  /** Reserves `cost` points; false (and nothing taken) when the bucket lacks room. */
  take(cost: number): boolean {
    if (this.currentlyAvailable() < cost) return false;
    this.available -= cost;
    return true;
  }

  refund(points: number): void {
    this.currentlyAvailable();
    this.available = Math.min(this.maximumAvailable, this.available + Math.max(0, points));
  }

  /** Drains the bucket (tests that want THROTTLED without sending hundreds of queries). */
  drain(to = 0): void {
    this.currentlyAvailable();
    this.available = Math.max(0, Math.min(this.available, to));
  }

  status() {
    return {
      maximumAvailable: this.maximumAvailable,
      currentlyAvailable: Math.floor(this.currentlyAvailable()),
      restoreRate: this.restoreRate,
    };
  }
}

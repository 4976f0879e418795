import {
  coerceInputValue,
  FieldsOnCorrectTypeRule,
  FragmentsOnCompositeTypesRule,
  isInputType,
  isNonNullType,
  KnownArgumentNamesRule,
  KnownDirectivesRule,
  KnownFragmentNamesRule,
  KnownTypeNamesRule,
  Lexer,
  LoneAnonymousOperationRule,
  NoFragmentCyclesRule,
  NoUndefinedVariablesRule,
  NoUnusedFragmentsRule,
  NoUnusedVariablesRule,
  OverlappingFieldsCanBeMergedRule,
  PossibleFragmentSpreadsRule,
  ProvidedRequiredArgumentsRule,
  ScalarLeafsRule,
  Source,
  specifiedRules,
  TokenKind,
  typeFromAST,
  UniqueArgumentNamesRule,
  UniqueDirectivesPerLocationRule,
  UniqueInputFieldNamesRule,
  UniqueOperationNamesRule,
  UniqueVariableNamesRule,
  validate,
  ValuesOfCorrectTypeRule,
  VariablesAreInputTypesRule,
  VariablesInAllowedPositionRule,
  visit,
  type ASTNode,
  type GraphQLError,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
} from "graphql";

/**
 * Shopify runs graphql-ruby, so its errors do not read like graphql-js's. This module rewrites
 * graphql-js parse, validation and variable errors into the messages, `path` and
 * `extensions.code` values graphql-ruby produces (e.g. `undefinedField`, `argumentNotAccepted`),
 * so app code that matches on them behaves the same against the sandbox.
 */
export interface ShopifyGraphQLError {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

const TOKEN_NAMES: Partial<Record<string, string>> = {
  [TokenKind.BRACE_L]: "LCURLY",
  [TokenKind.BRACE_R]: "RCURLY",
  [TokenKind.PAREN_L]: "LPAREN",
  [TokenKind.PAREN_R]: "RPAREN",
  [TokenKind.BRACKET_L]: "LBRACKET",
  [TokenKind.BRACKET_R]: "RBRACKET",
  [TokenKind.COLON]: "COLON",
  [TokenKind.DOLLAR]: "VAR_SIGN",
  [TokenKind.BANG]: "BANG",
  [TokenKind.EQUALS]: "EQUALS",
  [TokenKind.AT]: "DIR_SIGN",
  [TokenKind.SPREAD]: "ELLIPSIS",
  [TokenKind.PIPE]: "PIPE",
  [TokenKind.AMP]: "AMP",
  [TokenKind.INT]: "INT",
  [TokenKind.FLOAT]: "FLOAT",
  [TokenKind.STRING]: "STRING",
  [TokenKind.BLOCK_STRING]: "STRING",
};
const KEYWORDS = new Set(["query", "mutation", "subscription", "fragment", "on", "true", "false", "null"]);

/** A graphql-js syntax error as graphql-ruby words it: `Parse error on "}" (RCURLY) at [1, 9]`. */
export function shopifyParseError(error: GraphQLError, query: string): ShopifyGraphQLError {
  const location = error.locations?.[0] ?? { line: 1, column: 1 };
  const token = tokenAt(query, location.line, location.column);
  const message = !token
    ? `Parse error on ${JSON.stringify(error.message.replace(/^Syntax Error: /, ""))} at [${location.line}, ${location.column}]`
    : token.kind === TokenKind.EOF
      ? "Unexpected end of document"
      : `Parse error on ${JSON.stringify(token.value)} (${tokenName(token.kind, token.value)}) at [${location.line}, ${location.column}]`;
  // Shopify sends no `extensions.code` for syntax errors, only message and location.
  return { message, locations: [location] };
}

function tokenName(kind: string, value: string): string {
  if (kind === TokenKind.NAME) return KEYWORDS.has(value) ? value.toUpperCase() : "IDENTIFIER";
  return TOKEN_NAMES[kind] ?? kind;
}

function tokenAt(query: string, line: number, column: number): { kind: string; value: string } | null {
  try {
    const lexer = new Lexer(new Source(query));
    let token = lexer.advance();
    while (token.kind !== TokenKind.EOF) {
      if (token.line > line || (token.line === line && token.column >= column)) break;
      token = lexer.advance();
    }
    return { kind: token.kind, value: token.kind === TokenKind.EOF ? "" : (token.value ?? token.kind) };
  } catch {
    // The lexer itself failed (an invalid character): report the raw character.
    return null;
  }
}

type Rewriter = (
  error: GraphQLError,
  path: (string | number)[] | undefined,
) => ShopifyGraphQLError | ShopifyGraphQLError[];

const locationsOf = (error: GraphQLError) => error.locations?.map(({ line, column }) => ({ line, column }));

function rubyError(
  error: GraphQLError,
  path: (string | number)[] | undefined,
  message: string,
  extensions: Record<string, unknown>,
): ShopifyGraphQLError {
  return { message, locations: locationsOf(error), ...(path ? { path } : {}), extensions };
}

/** Fallback: the graphql-js message with a camelCase code named after the rule. */
function passthrough(code: string): Rewriter {
  return (error, path) => rubyError(error, path, error.message, { code });
}

const REWRITERS = new Map<ValidationRule, Rewriter>([
  [
    FieldsOnCorrectTypeRule,
    (error, path) => {
      const [, fieldName, typeName] = /Cannot query field "(.+?)" on type "(.+?)"/.exec(error.message) ?? [];
      return rubyError(error, path, `Field '${fieldName}' doesn't exist on type '${typeName}'`, {
        code: "undefinedField",
        typeName,
        fieldName,
      });
    },
  ],
  [
    KnownArgumentNamesRule,
    (error, path) => {
      const field = /Unknown argument "(.+?)" on field "(.+?)\.(.+?)"/.exec(error.message);
      if (field) {
        const [, argumentName, , name] = field;
        return rubyError(error, path, `Field '${name}' doesn't accept argument '${argumentName}'`, {
          code: "argumentNotAccepted",
          name,
          typeName: "Field",
          argumentName,
        });
      }
      const [, argumentName, name] =
        /Unknown argument "(.+?)" on directive "@(.+?)"/.exec(error.message) ?? [];
      return rubyError(error, path, `Directive '${name}' doesn't accept argument '${argumentName}'`, {
        code: "argumentNotAccepted",
        name,
        typeName: "Directive",
        argumentName,
      });
    },
  ],
  [
    ScalarLeafsRule,
    (error, path) => {
      const missing = /Field "(.+?)" of type "(.+?)" must have a selection/.exec(error.message);
      if (missing) {
        const [, field, type] = missing;
        const typeName = type.replace(/[[\]!]/g, "");
        return rubyError(
          error,
          path,
          `Field must have selections (field '${field}' returns ${typeName} but has no selections. Did you mean '${field} { ... }'?)`,
          { code: "selectionMismatch", nodeName: `field '${field}'`, typeName },
        );
      }
      const [, field, type] =
        /Field "(.+?)" must not have a selection since type "(.+?)"/.exec(error.message) ?? [];
      return rubyError(
        error,
        path,
        `Selections can't be made on scalars (field '${field}' returns ${type} but has selections)`,
        { code: "selectionMismatch", nodeName: `field '${field}'`, typeName: type },
      );
    },
  ],
  [
    KnownTypeNamesRule,
    (error, path) => {
      const [, typeName] = /Unknown type "(.+?)"/.exec(error.message) ?? [];
      const variable = path?.find((segment) => typeof segment === "string" && segment.startsWith("$"));
      return variable
        ? rubyError(error, path, `${typeName} isn't a defined input type (on ${variable})`, {
            code: "variableRequiresValidType",
            typeName,
            variableName: String(variable).slice(1),
          })
        : rubyError(error, path, `No such type ${typeName}, so it can't be a fragment condition`, {
            code: "undefinedType",
            typeName,
          });
    },
  ],
  [
    VariablesAreInputTypesRule,
    (error, path) => {
      const [, variableName, typeName] =
        /Variable "\$(.+?)" cannot be non-input type "(.+?)"/.exec(error.message) ?? [];
      return rubyError(error, path, `${typeName} isn't a valid input type (on $${variableName})`, {
        code: "variableRequiresValidType",
        typeName,
        variableName,
      });
    },
  ],
  [
    NoUndefinedVariablesRule,
    (error, path) => {
      const [, variableName, operation] =
        /Variable "\$(.+?)" is not defined(?: by operation "(.+?)")?/.exec(error.message) ?? [];
      return rubyError(
        error,
        path,
        `Variable $${variableName} is used by ${operation ?? "anonymous query"} but not declared`,
        { code: "variableNotDefined", variableName },
      );
    },
  ],
  [
    NoUnusedVariablesRule,
    (error, path) => {
      const [, variableName, operation] =
        /Variable "\$(.+?)" is never used(?: in operation "(.+?)")?/.exec(error.message) ?? [];
      return rubyError(
        error,
        path,
        `Variable $${variableName} is declared by ${operation ?? "anonymous query"} but not used`,
        { code: "variableNotUsed", variableName },
      );
    },
  ],
  [
    VariablesInAllowedPositionRule,
    (error, path) => {
      const [, variableName, variableType, expectedType] =
        /Variable "\$(.+?)" of type "(.+?)" used in position expecting type "(.+?)"/.exec(error.message) ??
        [];
      const argumentName = [...(path ?? [])].reverse().find((segment) => typeof segment === "string");
      const kind =
        variableType?.replace(/!/g, "") === expectedType?.replace(/!/g, "") ? "Nullability" : "Type";
      const errorMessage = `${kind} mismatch`;
      return rubyError(
        error,
        path,
        `${errorMessage} on variable $${variableName} and argument ${argumentName} (${variableType} / ${expectedType})`,
        { code: "variableMismatch", variableName, typeName: variableType, argumentName, errorMessage },
      );
    },
  ],
  [
    ValuesOfCorrectTypeRule,
    (error, path) => {
      const argumentName = [...(path ?? [])].reverse().find((segment) => typeof segment === "string");
      const field = path && path.length >= 2 ? path[path.length - 2] : undefined;
      const value = /value: (.+?)\.?$/.exec(error.message)?.[1] ?? /found (.+?)\.$/.exec(error.message)?.[1];
      const expected = /type "(.+?)"/.exec(error.message)?.[1];
      return rubyError(
        error,
        path,
        `Argument '${argumentName}' on Field '${field}' has an invalid value (${value ?? "?"}).` +
          (expected ? ` Expected type '${expected}'.` : ""),
        { code: "argumentLiteralsIncompatible", typeName: "Field", argumentName },
      );
    },
  ],
  [
    KnownDirectivesRule,
    (error, path) => {
      const [, directiveName] = /Unknown directive "@(.+?)"/.exec(error.message) ?? [];
      return directiveName
        ? rubyError(error, path, `Directive @${directiveName} is not defined`, {
            code: "undefinedDirective",
            directiveName,
          })
        : rubyError(error, path, error.message, { code: "directiveCannotBeApplied" });
    },
  ],
  [
    KnownFragmentNamesRule,
    (error, path) => {
      const [, fragmentName] = /Unknown fragment "(.+?)"/.exec(error.message) ?? [];
      return rubyError(error, path, `Fragment ${fragmentName} was used, but not defined`, {
        code: "useAndDefineFragment",
        fragmentName,
      });
    },
  ],
  [
    NoUnusedFragmentsRule,
    (error, path) => {
      const [, fragmentName] = /Fragment "(.+?)" is never used/.exec(error.message) ?? [];
      return rubyError(error, path, `Fragment ${fragmentName} was defined, but not used`, {
        code: "useAndDefineFragment",
        fragmentName,
      });
    },
  ],
  [
    UniqueOperationNamesRule,
    (error, path) => {
      const [, name] = /named "(.+?)"/.exec(error.message) ?? [];
      return rubyError(error, path, `Operation name "${name}" must be unique`, {
        code: "uniquelyNamedOperations",
        operationName: name,
      });
    },
  ],
  [
    LoneAnonymousOperationRule,
    (error, path) =>
      rubyError(error, path, "Operation name is required when multiple operations are present", {
        code: "uniquelyNamedOperations",
      }),
  ],
  [
    PossibleFragmentSpreadsRule,
    (error, path) => {
      const [, parentName, typeName] = /type "(.+?)" can never be of type "(.+?)"/.exec(error.message) ?? [];
      return rubyError(error, path, `Fragment on ${typeName} can't be spread inside ${parentName}`, {
        code: "cannotSpreadFragment",
        typeName,
        parentName,
      });
    },
  ],
  [
    FragmentsOnCompositeTypesRule,
    (error, path) => {
      const [, typeName] = /type "(.+?)"/.exec(error.message) ?? [];
      return rubyError(
        error,
        path,
        `Invalid fragment on type ${typeName} (must be Union, Interface or Object)`,
        {
          code: "fragmentOnNonCompositeType",
          typeName,
        },
      );
    },
  ],
  [OverlappingFieldsCanBeMergedRule, passthrough("fieldConflict")],
  [NoFragmentCyclesRule, passthrough("infiniteLoop")],
  [UniqueArgumentNamesRule, passthrough("argumentNotUnique")],
  [UniqueVariableNamesRule, passthrough("variableNotUnique")],
  [UniqueInputFieldNamesRule, passthrough("inputFieldNotUnique")],
  [UniqueDirectivesPerLocationRule, passthrough("directiveNotUniqueForLocation")],
]);

/** graphql-ruby reports all missing arguments of one field in one error. */
function missingArgumentErrors(errors: readonly GraphQLError[], paths: Map<ASTNode, (string | number)[]>) {
  const byNode = new Map<
    ASTNode | undefined,
    { error: GraphQLError; arguments: string[]; kind: string; name: string }
  >();
  for (const error of errors) {
    const match = /^(Field|Directive) "@?(.+?)" argument "(.+?)"/.exec(error.message);
    const node = error.nodes?.[0];
    const entry = byNode.get(node) ?? {
      error,
      arguments: [],
      kind: match?.[1] ?? "Field",
      name: match?.[2] ?? "?",
    };
    entry.arguments.push(match?.[3] ?? "?");
    byNode.set(node, entry);
  }
  return [...byNode.entries()].map(([node, entry]) =>
    rubyError(
      entry.error,
      node ? paths.get(node) : undefined,
      `${entry.kind} '${entry.name}' is missing required arguments: ${entry.arguments.join(", ")}`,
      {
        code: "missingRequiredArguments",
        className: entry.kind,
        name: entry.name,
        arguments: entry.arguments.join(", "),
      },
    ),
  );
}

/**
 * Validates like Shopify: the full graphql-js rule set (spec rules), errors reworded as
 * graphql-ruby's. The fast single pass runs first; rules are re-run one by one only to name
 * the rule behind each error when the document is invalid.
 */
export function validateLikeShopify(schema: GraphQLSchema, document: DocumentNode): ShopifyGraphQLError[] {
  if (validate(schema, document, specifiedRules).length === 0) return [];
  const paths = astPaths(document);
  const result: ShopifyGraphQLError[] = [];
  for (const rule of specifiedRules) {
    const errors = validate(schema, document, [rule]);
    if (errors.length === 0) continue;
    if (rule === ProvidedRequiredArgumentsRule) {
      result.push(...missingArgumentErrors(errors, paths));
      continue;
    }
    const rewrite = REWRITERS.get(rule) ?? passthrough(ruleCode(rule));
    for (const error of errors) {
      // A variable-position error points at the definition and the use; graphql-ruby reports the use.
      const node =
        rule === VariablesInAllowedPositionRule ? error.nodes?.[error.nodes.length - 1] : error.nodes?.[0];
      const rewritten = rewrite(error, node ? paths.get(node) : undefined);
      result.push(...(Array.isArray(rewritten) ? rewritten : [rewritten]));
    }
  }
  return result;
}

function ruleCode(rule: ValidationRule): string {
  const name = rule.name.replace(/Rule$/, "");
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/**
 * graphql-ruby's static-validation `path`: operation ("query Name"), then field response keys,
 * fragments ("... on Type"), and argument names, down to the node the error is about.
 */
function astPaths(document: DocumentNode): Map<ASTNode, (string | number)[]> {
  const paths = new Map<ASTNode, (string | number)[]>();
  const stack: string[] = [];
  const segment = (node: ASTNode): string | null => {
    switch (node.kind) {
      case "OperationDefinition":
        return node.name ? `${node.operation} ${node.name.value}` : node.operation;
      case "FragmentDefinition":
        return `fragment ${node.name.value}`;
      case "Field":
        return node.alias?.value ?? node.name.value;
      case "Argument":
      case "ObjectField":
        return node.name.value;
      case "InlineFragment":
        return node.typeCondition ? `... on ${node.typeCondition.name.value}` : "...";
      case "FragmentSpread":
        return `... ${node.name.value}`;
      case "VariableDefinition":
        return `$${node.variable.name.value}`;
      default:
        return null;
    }
  };
  visit(document, {
    enter(node) {
      const name = segment(node);
      if (name !== null) stack.push(name);
      paths.set(node, [...stack]);
    },
    leave(node) {
      if (segment(node) !== null) stack.pop();
    },
  });
  return paths;
}

/**
 * Coerces request variables like graphql-ruby: one error per bad variable, worded
 * "Variable $id of type ID! was provided invalid value", with `extensions.value` and
 * `extensions.problems` ({ path, explanation }) — the shape Shopify returns, plus its
 * `INVALID_VARIABLE` code.
 */
export function coerceVariablesLikeShopify(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  inputs: Record<string, unknown>,
): { values: Record<string, unknown> } | { errors: ShopifyGraphQLError[] } {
  const values: Record<string, unknown> = {};
  const errors: ShopifyGraphQLError[] = [];
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    if (!type || !isInputType(type)) continue; // already reported by validation
    const location = definition.loc
      ? [{ line: definition.loc.startToken.line, column: definition.loc.startToken.column }]
      : undefined;
    const problems: { path: (string | number)[]; explanation: string }[] = [];
    const provided = Object.prototype.hasOwnProperty.call(inputs, name);
    if (!provided) {
      if (definition.defaultValue) continue; // graphql-js applies defaults during execution
      if (isNonNullType(type)) problems.push({ path: [], explanation: "Expected value to not be null" });
      else continue;
    } else if (inputs[name] === null && isNonNullType(type)) {
      problems.push({ path: [], explanation: "Expected value to not be null" });
    } else {
      values[name] = coerceInputValue(inputs[name], type, (path, invalid, error) => {
        // graphql-js points at the input object; graphql-ruby at the offending field inside it.
        const field = /^Field "(.+?)" (?:of required type|is not defined by type)/.exec(error.message)?.[1];
        problems.push({
          path: field ? [...path, field] : [...path],
          explanation: explain(error.message, invalid),
        });
      });
    }
    if (problems.length > 0) {
      const first = problems[0];
      const detail = first.path.length > 0 ? ` for ${first.path.join(".")} (${first.explanation})` : "";
      errors.push({
        message: `Variable $${name} of type ${String(type)} was provided invalid value${detail}`,
        ...(location ? { locations: location } : {}),
        extensions: { value: provided ? inputs[name] : null, problems, code: "INVALID_VARIABLE" },
      });
    }
  }
  return errors.length > 0 ? { errors } : { values: { ...inputs, ...values } };
}

function explain(message: string, invalid: unknown): string {
  let match: RegExpExecArray | null;
  if (/Expected non-nullable type .* not to be null/.test(message)) return "Expected value to not be null";
  if (/Field ".+?" of required type .* was not provided/.test(message))
    return "Expected value to not be null";
  if ((match = /Field "(.+?)" is not defined by type "(.+?)"/.exec(message)))
    return `Field is not defined on ${match[2]}`;
  if ((match = /Value "(.+?)" does not exist in "(.+?)" enum/.exec(message)))
    return `Expected "${match[1]}" to be one of the values of ${match[2]}`;
  if ((match = /^(Int|Float|Boolean|String|ID) cannot represent/.exec(message)))
    return `Could not coerce value ${JSON.stringify(invalid)} to ${match[1]}`;
  return message;
}

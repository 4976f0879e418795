import { catalogResolvers, parseGid } from "./catalog";
import { commerceResolvers } from "./commerce";
import type { ResolverModule, RootResolver, SandboxContext } from "./types";

/**
 * The resolver modules the sandbox serves, merged into one registry by the server. A module owns
 * root fields; two modules claiming the same field is a start-up error, not a silent override.
 * (The bulk module is added by the server because it needs the server's file store.)
 */
export const resolverModules: ResolverModule[] = [catalogResolvers, commerceResolvers];

export interface ResolverRegistry {
  Query: Record<string, RootResolver>;
  Mutation: Record<string, RootResolver>;
  Node: Record<string, (id: string, context: SandboxContext) => unknown>;
}

export function mergeResolverModules(modules: ResolverModule[]): ResolverRegistry {
  const registry: ResolverRegistry = { Query: {}, Mutation: {}, Node: {} };
  for (const module of modules) {
    for (const kind of ["Query", "Mutation", "Node"] as const) {
      for (const [name, resolver] of Object.entries(module[kind] ?? {})) {
        if (registry[kind][name]) throw new Error(`Two sandbox resolver modules define ${kind}.${name}`);
        (registry[kind] as Record<string, unknown>)[name] = resolver;
      }
    }
  }
  registry.Query.node ??= (args, ctx) => resolveNode(registry, String(args.id), ctx);
  registry.Query.nodes ??= (args, ctx) => (args.ids as string[]).map((id) => resolveNode(registry, id, ctx));
  return registry;
}

/**
 * `node(id:)` for any GID type: the owning module's Node loader, or else the root field named
 * after the type (`Order` → `order(id:)`), so a module that only defines `order` still works.
 */
function resolveNode(registry: ResolverRegistry, id: string, ctx: SandboxContext): unknown {
  const { type } = parseGid(id);
  const loader = registry.Node[type];
  if (loader) return loader(id, ctx);
  const rootField = registry.Query[type.charAt(0).toLowerCase() + type.slice(1)];
  if (!rootField) return null;
  // The root field's view may lack __typename; node() returns an interface, so add it.
  const withType = (view: unknown) =>
    view && typeof view === "object" && !("__typename" in view) ? { __typename: type, ...view } : view;
  const result = rootField({ id }, ctx, { fieldName: "node" } as never);
  return result instanceof Promise ? result.then(withType) : withType(result);
}

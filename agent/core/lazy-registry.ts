/**
 * Component types registered by name, each module imported when a config
 * first names its type (README, "Performance": an agent tailing files then
 * never loads the docker source or the exporter plugins).
 */
export type LazyRegistry<Definition> = Readonly<Record<string, () => Promise<{ default: Definition }>>>

/** The definition registered under `type`, its module loaded. */
export async function loadDefinition<Registry extends LazyRegistry<unknown>, Type extends keyof Registry & string>(
  registry: Registry,
  type: Type,
): Promise<Awaited<ReturnType<Registry[Type]>>['default']> {
  return (await registry[type]!()).default as Awaited<ReturnType<Registry[Type]>>['default']
}

/** The definitions of the types `configs` name, by type, each module loaded once. */
export async function loadDefinitionsFor<Registry extends LazyRegistry<unknown>, Type extends keyof Registry & string>(
  registry: Registry,
  configs: Iterable<{ type: Type }>,
): Promise<Map<Type, Awaited<ReturnType<Registry[Type]>>['default']>> {
  const types = [...new Set(Array.from(configs, (config) => config.type))]
  return new Map(await Promise.all(types.map(async (type) => [type, await loadDefinition(registry, type)] as const)))
}

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

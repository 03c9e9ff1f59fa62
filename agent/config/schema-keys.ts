/**
 * The keys a schema accepts at a path of the input, so an unknown-key error
 * can suggest the key that was meant. Walks zod 4's definitions; for a
 * discriminated union it follows the branch the input's discriminator picks.
 */
import type { z } from 'zod'

type Def = { type: string; [key: string]: unknown }
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def

export function keysAt(schema: z.ZodType, path: readonly PropertyKey[], input: unknown): string[] {
  let current: unknown = schema
  let value: unknown = input
  let index = 0
  for (let guard = 0; guard < 1000 && current; guard++) {
    const def = defOf(current)
    switch (def.type) {
      case 'default':
      case 'prefault':
      case 'optional':
      case 'nullable':
      case 'readonly':
        current = def.innerType
        continue
      case 'pipe':
        current = def.in
        continue
      case 'union': {
        const discriminator = def.discriminator as string | undefined
        const options = def.options as unknown[]
        const wanted = discriminator && value && typeof value === 'object' ? (value as Record<string, unknown>)[discriminator] : undefined
        current = options.find((option) => {
          const shape = shapeOf(option)
          const literal = shape?.[discriminator ?? '']
          return literal !== undefined && (defOf(literal).values as unknown[] | undefined)?.includes(wanted)
        })
        continue
      }
      case 'object': {
        if (index === path.length) return Object.keys(def.shape as object)
        const key = path[index++]!
        current = (def.shape as Record<PropertyKey, unknown>)[key]
        value = childOf(value, key)
        continue
      }
      case 'record':
      case 'array':
        if (index === path.length) return []
        value = childOf(value, path[index++]!)
        current = def.type === 'record' ? def.valueType : def.element
        continue
      default:
        return []
    }
  }
  return []
}

function shapeOf(schema: unknown): Record<string, unknown> | undefined {
  const def = defOf(schema)
  if (def.type === 'object') return def.shape as Record<string, unknown>
  if (def.type === 'pipe') return shapeOf(def.in)
  if ('innerType' in def) return shapeOf(def.innerType)
  return undefined
}

function childOf(value: unknown, key: PropertyKey): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined
}

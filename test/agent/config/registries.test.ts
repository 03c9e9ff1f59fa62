/**
 * Schemas and code are registered apart (sources/configs.ts beside
 * sources/index.ts, plugins/configs.ts beside plugins/index.ts), so the
 * running agent never loads zod: a type added to one and not the other would
 * validate and then find no code to run it, or run with no way to configure it.
 */
import t from 'tap'
import { pluginConfigs } from '../../../agent/plugins/configs.js'
import { plugins } from '../../../agent/plugins/index.js'
import { sourceConfigs } from '../../../agent/sources/configs.js'
import { sources } from '../../../agent/sources/index.js'

const typesOf = (schemas: ReadonlyArray<{ shape: { type: { value: unknown } } }>) => schemas.map((schema) => String(schema.shape.type.value)).sort()

t.test('every source type the config accepts has a definition under the same name, and the reverse', async (t) => {
  t.same(typesOf(sourceConfigs), Object.keys(sources).sort())
  for (const [name, load] of Object.entries(sources)) t.equal((await load()).default.type, name, `${name} is registered under its own type`)
})

t.test('every plugin type the config accepts has a definition under the same name, and the reverse', async (t) => {
  t.same(typesOf(pluginConfigs), Object.keys(plugins).sort())
  for (const [name, load] of Object.entries(plugins)) t.equal((await load()).default.type, name, `${name} is registered under its own type`)
})

/** The shebang's start-up interrupt budget, and the agent giving V8 its default back before it reads a line. */
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { endStartUpTiering, START_UP_FLAG, START_UP_INTERRUPT_BUDGET, V8_DEFAULT_INTERRUPT_BUDGET } from '../../../agent/cli/start-up-tiering.js'

const BUILT = fileURLToPath(new URL('../../../dist/agent/cli/start-up-tiering.js', import.meta.url))

t.test("the default given back is this node's V8 default, and the shebang starts with 16 times it", async (t) => {
  const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' })
  t.equal(Number(/default: --interrupt-budget=(\d+)/.exec(options)?.[1]), V8_DEFAULT_INTERRUPT_BUDGET)
  t.equal(START_UP_INTERRUPT_BUDGET, 16 * V8_DEFAULT_INTERRUPT_BUDGET)
  const shebang = readFileSync(fileURLToPath(new URL('../../../agent/cli/threadline.ts', import.meta.url)), 'utf8').split('\n')[0]!
  t.ok(shebang.split(' ').includes(START_UP_FLAG), shebang)
})

t.test("only the start-up budget is given back: any other budget is the operator's and stays", async (t) => {
  t.equal(endStartUpTiering([], ''), false, 'no budget given')
  t.equal(endStartUpTiering(['--interrupt-budget=1000'], '--interrupt-budget=2000'), false, "the operator's own")
  t.equal(endStartUpTiering(['--v8-pool-size=1', START_UP_FLAG], ''), true, 'on the command line (the shebang)')
  t.equal(endStartUpTiering([], `--max-semi-space-size=4  ${START_UP_FLAG}`), true, 'in NODE_OPTIONS')
})

/**
 * In a node started as the shebang starts it: a function called 10,000 times
 * stays unoptimised under the start-up budget and is optimised under the
 * default (both measured on this node), so the second one shows the budget
 * given back. `--no-concurrent-recompilation` makes optimising happen at the
 * call that asks for it.
 */
const probe = `
const { endStartUpTiering } = await import(${JSON.stringify(BUILT)})
const calls = 10_000
const optimised = (f) => (eval('%GetOptimizationStatus(f)') & 16) !== 0
const before = (a, b) => ((a * 31 + b) ^ (a >>> 3)) | 0
for (let i = 0; i < calls; i++) before(i, 7)
const restored = process.argv[1] === 'give-back' && endStartUpTiering()
const after = (a, b) => ((a * 17 + b) ^ (a >>> 5)) | 0
for (let i = 0; i < calls; i++) after(i, 7)
console.log(JSON.stringify({ restored, before: optimised(before), after: optimised(after) }))
`
const run = (flags: string[], mode: string) =>
  JSON.parse(execFileSync(process.execPath, ['--allow-natives-syntax', '--no-concurrent-recompilation', ...flags, '--input-type=module', '-e', probe, mode], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } })) as { restored: boolean; before: boolean; after: boolean }

t.test('after the start-up budget is given back, V8 optimises at its default pace', async (t) => {
  t.same(run([], 'keep'), { restored: false, before: true, after: true }, "V8's default budget optimises both")
  t.same(run([START_UP_FLAG], 'keep'), { restored: false, before: false, after: false }, 'the start-up budget, kept, optimises neither')
  t.same(run([START_UP_FLAG], 'give-back'), { restored: true, before: false, after: true }, 'given back: the function called after it is optimised')
})

import t from 'tap'
import { TransformsConfig } from '../../../agent/transforms/config.js'

t.test('defaults', async (t) => {
  t.same(TransformsConfig.parse({}), {
    max_line_bytes: 262_144,
    max_label_values: 100,
    static_labels: {},
    default_service: 'unknown',
    max_entry_age: 7 * 86_400_000,
  })
})

t.test('valid configs', async (t) => {
  const cases: Array<[string, unknown, Partial<TransformsConfig>]> = [
    ['sizes with units', { max_line_bytes: '1MiB' }, { max_line_bytes: 1_048_576 }],
    ['sizes in bytes', { max_line_bytes: 4096 }, { max_line_bytes: 4096 }],
    ['durations', { max_entry_age: '1d' }, { max_entry_age: 86_400_000 }],
    ['static labels', { static_labels: { env: 'prod', _zone: 'eu-1', Cluster2: 'a b' } }, { static_labels: { env: 'prod', _zone: 'eu-1', Cluster2: 'a b' } }],
    ['twelve static labels', { static_labels: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`l${i}`, 'v'])) }, {}],
    ['default service', { default_service: 'edge-proxy' }, { default_service: 'edge-proxy' }],
    ['label cap', { max_label_values: 5 }, { max_label_values: 5 }],
  ]
  for (const [name, input, expected] of cases) {
    const result = TransformsConfig.safeParse(input)
    t.ok(result.success, name)
    if (result.success) t.match(result.data, expected, name)
  }
})

t.test('invalid configs fail with the path and what was expected', async (t) => {
  const cases: Array<[string, unknown, string, RegExp]> = [
    ['typo', { max_line_byte: 1024 }, '', /Unrecognized key: "max_line_byte"/],
    ['size too small', { max_line_bytes: 100 }, 'max_line_bytes', /at least 1KiB, received 100/],
    ['size malformed', { max_line_bytes: 'big' }, 'max_line_bytes', /expected a size such as "256KiB"/],
    ['cap zero', { max_label_values: 0 }, 'max_label_values', /expected number to be >=1/i],
    ['cap fractional', { max_label_values: 1.5 }, 'max_label_values', /int/i],
    ['bad label name', { static_labels: { '9lives': 'x' } }, 'static_labels.9lives', /label name matching/],
    ['dashed label name', { static_labels: { 'my-env': 'x' } }, 'static_labels.my-env', /label name matching/],
    ['reserved __ name', { static_labels: { __name__: 'x' } }, 'static_labels.__name__', /reserved by Loki/],
    ['service as a static label', { static_labels: { service: 'x' } }, 'static_labels.service', /set from each line/],
    ['level as a static label', { static_labels: { level: 'x' } }, 'static_labels.level', /set from each line/],
    ['empty label value', { static_labels: { env: '' } }, 'static_labels.env', /non-empty/],
    ['control chars in a value', { static_labels: { env: 'a\nb' } }, 'static_labels.env', /without control characters/],
    ['too long a value', { static_labels: { env: 'x'.repeat(513) } }, 'static_labels.env', /at most 512 characters/],
    ['thirteen static labels', { static_labels: Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`l${i}`, 'v'])) }, 'static_labels', /at most 12 static labels.*received 13/],
    ['empty default service', { default_service: '' }, 'default_service', /non-empty/],
    ['bad duration', { max_entry_age: 'a week' }, 'max_entry_age', /expected a duration/],
  ]
  for (const [name, input, path, message] of cases) {
    const result = TransformsConfig.safeParse(input)
    t.notOk(result.success, `${name} is rejected`)
    const issue = result.error?.issues.find((i) => i.path.join('.') === path)
    t.ok(issue, `${name}: an issue at "${path}"`)
    t.match(issue?.message, message, `${name}: message`)
  }
})

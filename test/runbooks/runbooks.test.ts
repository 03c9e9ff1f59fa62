/**
 * runbooks/: every alert's runbook_url (Prometheus and Loki rules) resolves
 * to an existing page and section; and no file in the operations folders
 * holds credentials, private keys, tokens or IP addresses other than
 * loopback (the team's runbooks had a password and a public IP in them).
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { headingAnchor, pageAnchors, RUNBOOK_BASE, runbookProblem, runbookTarget, shippedRunbooksDir } from '../../agent/doctor/runbooks.js'
import { alertsOf, filesUnder, lokiRuleFiles, OPS_FOLDERS, prometheusRuleFiles, ROOT } from '../support/ops-files.js'

const RUNBOOKS = join(ROOT, 'runbooks')

t.test('every alert\'s runbook_url resolves to a page and a section', async (t) => {
  const alerts = alertsOf([...prometheusRuleFiles(), ...lokiRuleFiles()])
  t.ok(alerts.length >= 17)
  for (const alert of alerts) {
    const url = alert.annotations?.runbook_url
    t.equal(runbookProblem(RUNBOOKS, url), undefined, `${alert.alert} → ${url}`)
    t.ok(url?.startsWith(RUNBOOK_BASE), `${alert.alert} uses the one base URL`)
    t.equal(runbookTarget(url!)?.anchor, alert.alert!.toLowerCase(), `${alert.alert}'s section is named after it`)
  }
})

t.test('each runbook section says what it means, the impact, how to diagnose, mitigate and fire it', async (t) => {
  for (const page of filesUnder('runbooks').filter((f) => f.endsWith('.md') && !f.endsWith('README.md'))) {
    const sections = readFileSync(join(ROOT, page), 'utf8').split(/^## /m).slice(1)
    t.ok(sections.length > 0, page)
    for (const section of sections) {
      const name = section.split('\n')[0]
      for (const part of ['Means', 'Impact', 'Diagnose', 'Mitigate', 'Fire it on purpose']) t.match(section, `**${part}.**`, `${page} ${name}: ${part}`)
    }
  }
})

t.test('runbookProblem names what is wrong', async (t) => {
  t.equal(runbookProblem(RUNBOOKS, undefined), 'no runbook_url annotation')
  t.match(runbookProblem(RUNBOOKS, 'https://wiki.invalid/Loki'), /does not point to runbooks/)
  t.match(runbookProblem(RUNBOOKS, `${RUNBOOK_BASE}nope.md#x`), /no page nope.md/)
  t.match(runbookProblem(RUNBOOKS, `${RUNBOOK_BASE}safety.md#nosuchalert`), /safety.md has no section #nosuchalert/)
  t.equal(runbookProblem(RUNBOOKS, 'file:///opt/threadline/runbooks/pipeline.md#lokidown'), undefined, 'any base works')
  t.equal(headingAnchor('What it means (and why)?'), 'what-it-means-and-why')
  t.strictSame([...pageAnchors('# A\n```\n# not a heading\n```\n## B_c')], ['a', 'b_c'])
  t.equal(shippedRunbooksDir(), RUNBOOKS.replace(/\/$/, ''))
  t.equal(shippedRunbooksDir('/'), undefined, 'none above the filesystem root')
})

/** What must never be committed in an operations file, each with why it matches. */
const FORBIDDEN: [string, RegExp][] = [
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['credentials in a URL', /[a-z][a-z0-9+.-]*:\/\/[^/\s:@"']+:[^/\s@"']+@/i],
  ['a password or secret value', /(password|passwd|secret|api_?key|token|credentials)\s*[:=]\s*["']?(?!\$|\{|<|_|\/|\s|$)[^\s"',}]{3,}/i],
  ['a bearer token', /\bBearer\s+[A-Za-z0-9._~+/-]{16,}/],
  ['a cloud or forge token', /\b(AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|glpat-[A-Za-z0-9_-]{20}|xox[abpr]-[A-Za-z0-9-]{10,}|eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,})/],
  ['an IPv4 address other than loopback', /\b(?!127\.)(?:\d{1,3}\.){3}\d{1,3}\b/],
  ['an IPv6 address other than loopback', /(?<![\w:])(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}(?![\w:])/i],
]

function findings(text: string): string[] {
  return text.split('\n').flatMap((line, i) => FORBIDDEN.filter(([, re]) => re.test(line)).map(([what]) => `line ${i + 1}: ${what}: ${line.trim()}`))
}

t.test('no credentials, keys, tokens or non-loopback IPs in the operations folders', async (t) => {
  const files = OPS_FOLDERS.flatMap((folder) => filesUnder(folder))
  t.ok(files.length >= 15)
  for (const file of files) t.strictSame(findings(readFileSync(join(ROOT, file), 'utf8')), [], file)
})

t.test('the scan finds what it looks for (the control)', async (t) => {
  const planted = [
    '-----BEGIN OPENSSH PRIVATE KEY-----',
    'url: https://admin:hunter2@grafana.internal/',
    'password: s3cr3t-value',
    'smtp_auth_password: "hunter22"',
    'Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345',
    'key AKIAABCDEFGHIJKLMNOP',
    'curl http://10.0.3.7:3100/ready',
    'listen [2001:db8:0:0:0:0:0:1]:3100',
  ]
  for (const line of planted) t.equal(findings(line).length, 1, line)
  const allowed = [
    'password_file: /run/secrets/loki_password',
    'LOKI_PASSWORD_FILE=/run/secrets/loki_password',
    'credentials_file: /etc/alertmanager/secrets/webhook_token',
    'url: http://127.0.0.1:3100',
    'promtool 2.42.0 and Loki 3.5',
    'secretKey: ${GF_SECURITY_SECRET_KEY}',
    'ts 12:30:45',
  ]
  for (const line of allowed) t.strictSame(findings(line), [], line)
})

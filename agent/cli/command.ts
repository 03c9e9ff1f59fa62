/**
 * One shape for every `threadline` subcommand: its flags are declared once,
 * with meaning, default and the environment variable that stands in for them,
 * and from that one declaration come the parser, `--help` (as `vector --help`
 * and `promtail -help` print it) and the "did you mean" of a mistyped flag.
 */
import { parseArgs } from 'node:util'
import { closest } from '../core/closest.js'

export interface FlagSpec {
  readonly type: 'string' | 'boolean'
  /** The flag may be given more than once; its values are collected in order. */
  readonly multiple?: boolean
  /** The value's placeholder in help: `--config FILE`. */
  readonly value?: string
  readonly description: string
  /** The default as a person reads it; omitted when there is none. */
  readonly default?: string
  /** The environment variable read when the flag is not given. */
  readonly env?: string
}

type FlagValue<F extends FlagSpec> = F['type'] extends 'boolean'
  ? boolean
  : F['multiple'] extends true
    ? string[]
    : string | undefined

export type FlagValues<Flags extends Record<string, FlagSpec>> = { [K in keyof Flags]: FlagValue<Flags[K]> }

export interface CommandSpec<Flags extends Record<string, FlagSpec>> {
  readonly name: string
  /** One line for `threadline --help`. */
  readonly summary: string
  /** Positional arguments as the usage line shows them, e.g. `ID`. */
  readonly args?: string
  /** Paragraphs printed under the usage line. */
  readonly description?: string
  readonly flags: Flags
  /** Environment variables read that no flag stands for, with their meaning. */
  readonly env?: Readonly<Record<string, string>>
  readonly examples?: readonly string[]
  /** Returns the exit status. Throw a UsageError for a bad combination of flags (exit 2). */
  run(flags: FlagValues<Flags>, positionals: string[]): Promise<number>
}

export interface Command {
  readonly name: string
  readonly summary: string
  readonly help: string
  /** Parses argv, prints help or a usage error (exit 2), or runs. */
  main(argv: readonly string[]): Promise<number>
}

/** A mistake on the command line: printed with a pointer to `--help`, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

export function defineCommand<Flags extends Record<string, FlagSpec>>(spec: CommandSpec<Flags>): Command {
  const help = helpText(spec)
  return {
    name: spec.name,
    summary: spec.summary,
    help,
    async main(argv) {
      if (argv.includes('--help') || argv.includes('-h')) {
        process.stdout.write(help)
        return 0
      }
      try {
        const { flags, positionals } = parseFlags(spec, argv)
        return await spec.run(flags, positionals)
      } catch (error) {
        if (!(error instanceof UsageError)) throw error
        process.stderr.write(`threadline ${spec.name}: ${error.message}\n${usageLine(spec)}\nrun "threadline ${spec.name} --help" for every flag\n`)
        return 2
      }
    },
  }
}

/** Parses argv against the declared flags; throws a UsageError naming the flag at fault. */
export function parseFlags<Flags extends Record<string, FlagSpec>>(
  spec: Pick<CommandSpec<Flags>, 'flags' | 'args'>,
  argv: readonly string[],
): { flags: FlagValues<Flags>; positionals: string[] } {
  const options = Object.fromEntries(Object.entries(spec.flags).map(([name, flag]) => [name, { type: flag.type, multiple: flag.multiple ?? false }]))
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: spec.args !== undefined })
  } catch (error) {
    throw new UsageError(describeParseError(error as Error & { code?: string }, Object.keys(spec.flags)))
  }
  const flags: Record<string, unknown> = {}
  for (const [name, flag] of Object.entries(spec.flags)) {
    const given = parsed.values[name]
    flags[name] = flag.type === 'boolean' ? given === true : flag.multiple ? ((given as string[] | undefined) ?? []) : given
  }
  return { flags: flags as FlagValues<Flags>, positionals: parsed.positionals }
}

function describeParseError(error: Error & { code?: string }, known: readonly string[]): string {
  const unknown = /Unknown option '(-{1,2}[^']*)'/.exec(error.message)?.[1]
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    const suggestion = closest(unknown.replace(/^-+/, ''), known)
    return `unknown flag ${unknown}${suggestion ? `, did you mean --${suggestion}?` : ''}`
  }
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return `unexpected argument ${/'([^']*)'/.exec(error.message)?.[1] ?? ''}`.trim()
  }
  // "Option '--config <value>' argument missing" and the like are already plain.
  return error.message.replace(/^Option '(--[\w-]+)[^']*' argument missing$/, '$1 needs a value')
}

function usageLine(spec: Pick<CommandSpec<Record<string, FlagSpec>>, 'name' | 'args'>): string {
  return `usage: threadline ${spec.name}${spec.args ? ` ${spec.args}` : ''} [flags]`
}

function helpText(spec: CommandSpec<Record<string, FlagSpec>>): string {
  const flagRows: [string, string][] = Object.entries(spec.flags).map(([name, flag]) => {
    const extras = [flag.multiple ? 'repeatable' : undefined, flag.default !== undefined ? `default: ${flag.default}` : undefined, flag.env ? `env: ${flag.env}` : undefined].filter(Boolean)
    return [`--${name}${flag.value ? ` ${flag.value}` : ''}`, `${flag.description}${extras.length ? ` (${extras.join('; ')})` : ''}`]
  })
  flagRows.push(['-h, --help', 'print this help and exit'])
  const envRows: [string, string][] = [
    ...Object.entries(spec.flags).flatMap(([name, flag]): [string, string][] => (flag.env ? [[flag.env, `as --${name}`]] : [])),
    ...Object.entries(spec.env ?? {}),
  ]
  const sections = [
    `threadline ${spec.name}: ${spec.summary}`,
    usageLine(spec),
    spec.description,
    `flags:\n${table(flagRows)}`,
    envRows.length ? `environment:\n${table(envRows)}` : undefined,
    spec.examples?.length ? `examples:\n${spec.examples.map((line) => `  ${line}`).join('\n')}` : undefined,
  ]
  return `${sections.filter(Boolean).join('\n\n')}\n`
}

/** Two columns, the second wrapped at 100 characters and aligned under itself. */
export function table(rows: readonly (readonly [string, string])[]): string {
  const width = Math.min(28, Math.max(...rows.map(([left]) => left.length)) + 2)
  return rows
    .map(([left, right]) => {
      const lines = wrap(right, 100 - width - 2)
      const first = left.length + 2 > width ? `  ${left}\n${' '.repeat(width + 2)}` : `  ${left.padEnd(width)}`
      return first + lines.join(`\n${' '.repeat(width + 2)}`)
    })
    .join('\n')
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  return [...lines, line]
}

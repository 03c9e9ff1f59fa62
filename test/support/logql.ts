/**
 * LogQL syntax checks with Grafana's own LogQL grammar (@grafana/lezer-logql,
 * what Grafana's query editor parses with), since Loki is not installable
 * here to run `logcli` or the ruler.
 */
import { parser } from '@grafana/lezer-logql'

/** The offsets of the parse errors in `query` (none: it is valid LogQL). */
export function logqlErrors(query: string): number[] {
  const errors: number[] = []
  if (query.trim() === '') return [0]
  parser.parse(query).iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from)
    },
  })
  return errors
}

/** A lookup backend that could not be asked: the CLI exits 2 naming it, never with a stack trace. */
export class BackendUnreachableError extends Error {
  override name = 'BackendUnreachableError'

  constructor(
    /** `store`, `loki` or `redis`. */
    readonly backend: string,
    /** Where it was looked for (a path or URL without credentials). */
    readonly where: string,
    detail: string,
  ) {
    super(`${backend} unreachable at ${where}: ${detail}`)
  }
}

/** The `error_type` label of `threadline_source_errors_total` for an error a source recovered from. */
export function errorType(error: unknown): string {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOENT':
      return 'vanished'
    case 'EACCES':
    case 'EPERM':
      return 'permission_denied'
    case 'EMFILE':
    case 'ENFILE':
      return 'too_many_open_files'
    default:
      return 'read_error'
  }
}

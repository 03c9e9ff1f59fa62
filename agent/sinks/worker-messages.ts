/** The messages between the main thread and a sink's worker thread. */
export type ToSinkWorker =
  | { type: 'appended'; lastId: number }
  | { type: 'metrics'; requestId: number }
  | { type: 'stop'; deadlineMs: number }

export type FromSinkWorker =
  | { type: 'started' }
  | { type: 'metrics'; requestId: number; json: object[] }
  | { type: 'stopped' }

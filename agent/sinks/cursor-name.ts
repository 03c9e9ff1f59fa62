/** The name of a sink's cursor in the store: the sink commits it, retention consults it. */
export const cursorNameOf = (type: string, id: string): string => `${type}:${id}`

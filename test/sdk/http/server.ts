/**
 * Helpers for the HTTP integration tests: a logger capturing lines, raw
 * requests (so invalid header values reach the server unmodified).
 */
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'

/** Listens on a random 127.0.0.1 port; resolves the port. */
export function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)))
}

/** A raw HTTP/1.1 response: status line, headers (lowercased) and body. */
export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** Sends a request written byte for byte, with `headerLines` as given. */
export function rawRequest(port: number, method: string, path: string, headerLines: string[], body = ''): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let data = ''
    socket.on('data', (chunk) => (data += chunk.toString('latin1')))
    socket.on('error', reject)
    socket.on('end', () => {
      const [head = '', ...rest] = data.split('\r\n\r\n')
      const [statusLine = '', ...lines] = head.split('\r\n')
      const headers: Record<string, string> = {}
      for (const line of lines) {
        const colon = line.indexOf(':')
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') })
    })
    const length = body.length > 0 ? [`content-length: ${Buffer.byteLength(body)}`, 'content-type: application/json'] : []
    socket.write([`${method} ${path} HTTP/1.1`, 'host: 127.0.0.1', 'connection: close', ...length, ...headerLines, '', body].join('\r\n'))
  })
}

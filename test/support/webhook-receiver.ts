import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedAlert {
  headers: IncomingHttpHeaders;
  body: { id: number; advert_id: string; [key: string]: unknown };
}

/** A local webhook receiver: records every POST and answers with the status `answer` names. */
export class WebhookReceiver {
  readonly received: ReceivedAlert[] = [];
  answer: () => { status: number; body?: string } = () => ({ status: 200 });
  /** How long the receiver takes to answer, so concurrent deliverers overlap. */
  delayMs = 0;
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        this.received.push({ headers: request.headers, body: JSON.parse(body) });
        const answer = this.answer();
        setTimeout(() => response.writeHead(answer.status).end(answer.body ?? ''), this.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/alerts`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

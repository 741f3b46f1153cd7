// An in-memory server that keeps the push/pull rules of DESIGN §5, answering a fake fetch.
import type { Change, Mutation, MutationResult } from '../src/types';

interface Row { type: Change['type']; id: string; version: number; deleted: boolean; data: Record<string, unknown>; seq: number }

export type Fault = 'network' | 'lose-answer' | 'unauthorized' | 'server-error';

export class FakeServer {
  lastSeq = new Map<string, number>();
  owners = new Map<string, string>();
  ledger = new Map<string, MutationResult>();
  rows = new Map<string, Row>();
  changeSeq = 0;
  faults: Fault[] = [];
  pushes: Mutation[][] = [];
  pulls: number[] = [];
  /** A hook that rejects a mutation with a message, as validation or permissions would. */
  rejectWhen: (m: Mutation) => string | null = () => null;
  person = 'mcl-1';

  fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input), 'http://app.test');
    const fault = this.faults.shift();
    if (fault === 'network') throw new TypeError('Failed to fetch');
    if (fault === 'unauthorized') return json(401, { code: 'unauthorized', status: 401, message: 'Sign in to continue.' });
    if (fault === 'server-error') return json(500, { code: 'internal', status: 500, message: 'Something broke.' });
    let answer: Response;
    if (url.pathname === '/api/sync/push') answer = this.push(JSON.parse(String(init?.body)));
    else if (url.pathname === '/api/sync/pull') answer = this.pull(Number(url.searchParams.get('cursor')), Number(url.searchParams.get('limit')));
    else answer = json(404, { code: 'not_found', status: 404, message: 'Not found' });
    if (fault === 'lose-answer') throw new TypeError('connection reset after the server committed');
    return answer;
  };

  /** Write a row as another device or the server itself would (bumps the version, records a change). */
  write(type: Change['type'], id: string, data: Record<string, unknown>, deleted = false): Row {
    const old = this.rows.get(id);
    const row: Row = { type, id, version: (old?.version ?? 0) + 1, deleted, data: { ...old?.data, ...data, id }, seq: ++this.changeSeq };
    this.rows.set(id, row);
    return row;
  }

  entry(row: Row): Change {
    return row.deleted
      ? { type: row.type, id: row.id, version: row.version, deleted: true }
      : { type: row.type, id: row.id, version: row.version, deleted: false, data: row.data };
  }

  private push(body: { client_id: string; mutations: Mutation[] }): Response {
    this.pushes.push(body.mutations);
    const owner = this.owners.get(body.client_id);
    if (owner && owner !== this.person) return json(403, { code: 'forbidden', status: 403, message: 'Not your client' });
    this.owners.set(body.client_id, this.person);
    const results: MutationResult[] = [];
    let gap: number | null = null;
    for (const m of body.mutations) {
      const last = this.lastSeq.get(body.client_id) ?? 0;
      const stored = this.ledger.get(m.id);
      if (stored) {
        results.push(stored.status === 'applied' ? { ...stored, status: 'duplicate' } : stored);
        continue;
      }
      if (gap !== null || m.seq > last + 1) {
        gap ??= last + 1;
        results.push({ id: m.id, status: 'gap', resend_from: gap });
        continue;
      }
      const result = m.seq <= last ? { id: m.id, status: 'rejected' as const, message: 'seq taken' } : this.apply(m);
      this.ledger.set(m.id, result);
      this.lastSeq.set(body.client_id, Math.max(last, m.seq));
      results.push(result);
    }
    return json(200, { results });
  }

  private apply(m: Mutation): MutationResult {
    const message = this.rejectWhen(m);
    if (message) return { id: m.id, status: 'rejected', message, errors: { args: [message] } };
    const args = m.args as Record<string, unknown>;
    if (m.name.startsWith('observation.')) {
      const id = String(args['id']);
      const row = this.rows.get(id);
      const base = (args['base_version'] as number | null | undefined) ?? null;
      if ((base === null && row) || (base !== null && (!row || row.deleted || row.version !== base))) {
        return { id: m.id, status: 'conflict', current: row ? this.entry(row) : null, message: 'Changed elsewhere' };
      }
      const { base_version: _b, ...content } = args;
      const data = m.name === 'observation.publish' ? { status: 'published' } : m.name === 'observation.save' ? { status: row?.data['status'] ?? 'draft', ...content } : {};
      const written = this.write('observation', id, data, m.name === 'observation.delete');
      return { id: m.id, status: 'applied', version: written.version };
    }
    if (m.name.startsWith('feedback.')) {
      const key = `fb-${String(args['observation_id'])}`;
      const data = m.name === 'feedback.acknowledge' ? { acknowledged_at: '2025-09-01T10:00:00+00:00' } : { reflection: args['text'] };
      const written = this.write('feedback_response', key, { observation_id: args['observation_id'], ...data });
      return { id: m.id, status: 'applied', version: written.version };
    }
    return { id: m.id, status: 'rejected', message: `unknown mutation ${m.name}` };
  }

  private pull(cursor: number, limit: number): Response {
    const rows = [...this.rows.values()].filter((r) => r.seq > cursor).sort((a, b) => a.seq - b.seq);
    const page = rows.slice(0, limit);
    this.pulls.push(cursor);
    const next = page.length ? page[page.length - 1]!.seq : Math.max(cursor, this.changeSeq);
    return json(200, { changes: page.map((r) => this.entry(r)), cursor: next, has_more: rows.length > limit });
  }

  observation(id: string) {
    return this.rows.get(id);
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

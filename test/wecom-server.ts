import type { IncomingMessage, ServerResponse } from 'node:http';
import { startHttpSink } from './local-servers.ts';

/** A message task as the server keeps it, with each customer's send status (0 until set). */
export interface WecomTask {
  msgid: string;
  sender: string;
  externalUserids: string[];
  content: string;
  status: Map<string, number>;
}

/**
 * A stand-in for qyapi.weixin.qq.com's customer-contact API on 127.0.0.1, answering the documented
 * shapes and checking what it receives: `gettoken` with a known corp id and its secret; tokens it
 * issued (a token it expired answers 42001, one it never issued or revoked 40014); the JSON of
 * `add_msg_template` (chat_type single, a sender of the corp's directory, external userids that are
 * that sender's contacts, text content) and of `get_groupmsg_send_result` (a msgid it made and that
 * task's sender). Anything else is a recorded violation as well as an error answer, so a test can
 * assert that Retain sent nothing WeCom would refuse.
 */
export async function startWecomServer(corps: Record<string, string>, contacts: Record<string, string[]>) {
  const live = new Set<string>();
  const expired = new Set<string>();
  const tasks = new Map<string, WecomTask>();
  const violations: string[] = [];
  const answered: number[] = [];
  /** Statuses a new task starts with, by external userid (the staff member acts at once). */
  const preset = new Map<string, number>();
  let issued = 0;
  let made = 0;

  const send = (res: ServerResponse, answer: Record<string, unknown>) => {
    answered.push(Number(answer.errcode));
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(answer));
  };
  const refuse = (res: ServerResponse, why: string) => {
    violations.push(why);
    send(res, { errcode: 40058, errmsg: `invalid parameter: ${why}` });
  };
  /** The token of the request when it is live; otherwise answers the token error and gives null. */
  const token = (url: URL, res: ServerResponse): string | null => {
    const t = url.searchParams.get('access_token') ?? '';
    if (live.has(t)) return t;
    if (expired.has(t)) send(res, { errcode: 42001, errmsg: 'access_token expired' });
    else send(res, { errcode: 40014, errmsg: 'invalid access_token' });
    return null;
  };
  const json = (body: string): Record<string, unknown> | null => {
    try {
      const v = JSON.parse(body) as unknown;
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  };
  const isText = (v: unknown) => typeof v === 'string' && v.length > 0;

  const addTask = (res: ServerResponse, body: Record<string, unknown>) => {
    const keys = Object.keys(body).sort().join(',');
    if (keys !== 'chat_type,external_userid,sender,text') return refuse(res, `fields ${keys}`);
    if (body.chat_type !== 'single') return refuse(res, `chat_type ${String(body.chat_type)}`);
    const sender = body.sender;
    if (typeof sender !== 'string' || !(sender in contacts)) return refuse(res, `sender ${String(sender)}`);
    const ids = body.external_userid;
    if (!Array.isArray(ids) || !ids.length || !ids.every(isText))
      return refuse(res, `external_userid ${JSON.stringify(ids)}`);
    const text = body.text as Record<string, unknown> | null;
    if (!text || typeof text !== 'object' || Object.keys(text).join() !== 'content' || !isText(text.content))
      return refuse(res, `text ${JSON.stringify(text)}`);
    // WeCom creates the task for the sender's contacts and lists the others in fail_list.
    const reachable = (ids as string[]).filter((id) => contacts[sender]!.includes(id));
    const failList = (ids as string[]).filter((id) => !reachable.includes(id));
    if (!reachable.length) return send(res, { errcode: 0, errmsg: 'ok', fail_list: failList });
    const msgid = `msgGCAA${++made}`;
    tasks.set(msgid, {
      msgid,
      sender,
      externalUserids: reachable,
      content: String(text.content),
      status: new Map(reachable.map((id) => [id, preset.get(id) ?? 0])),
    });
    send(res, { errcode: 0, errmsg: 'ok', fail_list: failList, msgid });
  };

  const sendResult = (res: ServerResponse, body: Record<string, unknown>) => {
    const extra = Object.keys(body).filter((k) => !['msgid', 'userid', 'limit', 'cursor'].includes(k));
    if (extra.length) return refuse(res, `fields ${extra.join(',')}`);
    const task = tasks.get(String(body.msgid));
    if (!task) return refuse(res, `msgid ${String(body.msgid)}`);
    if (body.userid !== task.sender) return refuse(res, `userid ${String(body.userid)} for ${task.msgid}`);
    if (body.limit !== undefined && !(Number.isInteger(body.limit) && Number(body.limit) <= 1000))
      return refuse(res, `limit ${String(body.limit)}`);
    send(res, {
      errcode: 0,
      errmsg: 'ok',
      detail_list: task.externalUserids.map((id) => ({
        external_userid: id,
        userid: task.sender,
        status: task.status.get(id),
        ...(task.status.get(id) === 1 ? { send_time: 1780000000 } : {}),
      })),
    });
  };

  const server = await startHttpSink((req: IncomingMessage, res: ServerResponse, raw: string) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/cgi-bin/gettoken') {
      const corp = url.searchParams.get('corpid') ?? '';
      if (!(corp in corps)) return send(res, { errcode: 40013, errmsg: 'invalid corpid' });
      if (url.searchParams.get('corpsecret') !== corps[corp])
        return send(res, { errcode: 40001, errmsg: 'invalid secret' });
      const t = `tok-${++issued}-${corp}`;
      live.add(t);
      return send(res, { errcode: 0, errmsg: 'ok', access_token: t, expires_in: 7200 });
    }
    if (req.method !== 'POST') return refuse(res, `${req.method} ${url.pathname}`);
    if (!String(req.headers['content-type']).startsWith('application/json'))
      return refuse(res, `content-type ${String(req.headers['content-type'])}`);
    const body = json(raw);
    if (!body) return refuse(res, 'body is not a JSON object');
    if (url.pathname === '/cgi-bin/externalcontact/add_msg_template')
      return token(url, res) && addTask(res, body);
    if (url.pathname === '/cgi-bin/externalcontact/get_groupmsg_send_result')
      return token(url, res) && sendResult(res, body);
    return refuse(res, `path ${url.pathname}`);
  });

  return {
    ...server,
    tasks,
    violations,
    /** Errcodes answered, in order. */
    answered,
    /** How many tokens were issued. */
    issued: () => issued,
    /** WeCom expires every token it issued (the next use answers 42001). */
    expireAll() {
      for (const t of live) expired.add(t);
      live.clear();
    },
    /** WeCom forgets every token (the next use answers 40014). */
    revokeAll() {
      live.clear();
    },
    /** Tasks created from now on for this customer start with `status` (for a server's own worker). */
    preset(externalUserid: string, status: number) {
      preset.set(externalUserid, status);
    },
    /** The staff member acted on a task for a customer: 1 sent, 2 not a contact, 3 already received one. */
    setStatus(msgid: string, externalUserid: string, status: number) {
      tasks.get(msgid)!.status.set(externalUserid, status);
    },
  };
}

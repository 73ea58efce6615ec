/**
 * The Jupyter messaging protocol's wire format (version 5.3): encoding, decoding and HMAC signing
 * of multipart zeromq messages.
 *
 * A message on the wire is `[...identities, "<IDS|MSG>", signature, header, parent_header,
 * metadata, content, ...buffers]`; the signature is the hex HMAC of the four JSON frames with the
 * connection file's key and scheme. See
 * https://jupyter-client.readthedocs.io/en/latest/messaging.html#the-wire-protocol
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/** The messaging protocol version this client speaks. */
export const PROTOCOL_VERSION = '5.3';

/** The frame that separates zeromq routing identities from the message. */
export const DELIMITER = '<IDS|MSG>';

/** A Jupyter message header. */
export interface MessageHeader {
  readonly msg_id: string;
  readonly msg_type: string;
  readonly session: string;
  readonly username: string;
  readonly date: string;
  readonly version: string;
}

/** A decoded Jupyter message. `parent_header` is `{}` for messages that answer nothing. */
export interface JupyterMessage<C = Record<string, unknown>> {
  readonly header: MessageHeader;
  readonly parent_header: Partial<MessageHeader>;
  readonly metadata: Record<string, unknown>;
  readonly content: C;
  readonly buffers: readonly Buffer[];
}

/** The signing key and HMAC scheme of a kernel connection. */
export interface SigningKey {
  /** The connection file's `key`; an empty key disables signing (the signature frame is empty). */
  readonly key: string;
  /** The connection file's `signature_scheme`, e.g. `hmac-sha256`. @defaultValue `'hmac-sha256'` */
  readonly scheme?: string;
}

/**
 * Signs the four JSON frames of a message.
 *
 * @param signing - key and scheme from the connection file
 * @param frames - header, parent header, metadata and content, already serialised
 * @returns the hex digest, or `''` when the key is empty (unsigned connection)
 * @throws RangeError when the scheme is not `hmac-<digest>`
 * @example
 * sign({ key: 'k' }, ['{}', '{}', '{}', '{}']).length; // 64
 */
export function sign(signing: SigningKey, frames: ReadonlyArray<string | Buffer>): string {
  if (signing.key === '') return '';
  const scheme = signing.scheme ?? 'hmac-sha256';
  if (!scheme.startsWith('hmac-')) {
    throw new RangeError(`signature_scheme must be "hmac-<digest>", got ${JSON.stringify(scheme)}`);
  }
  const hmac = createHmac(scheme.slice('hmac-'.length), signing.key);
  for (const frame of frames) hmac.update(frame);
  return hmac.digest('hex');
}

/** Fields needed to build a new request message. */
export interface NewMessageOptions {
  /** The message type, e.g. `execute_request`. */
  readonly msgType: string;
  /** The client session id (one per kernel connection). */
  readonly session: string;
  /** The message content. */
  readonly content: Record<string, unknown>;
  /** User name recorded in the header. @defaultValue `'run-notebook'` */
  readonly username?: string;
}

/**
 * Builds a new client message with a fresh `msg_id`.
 *
 * @returns a message with an empty parent header and empty metadata
 * @example
 * newMessage({ msgType: 'kernel_info_request', session: 's', content: {} }).header.msg_type;
 */
export function newMessage(options: NewMessageOptions): JupyterMessage {
  return {
    header: {
      msg_id: randomUUID(),
      msg_type: options.msgType,
      session: options.session,
      username: options.username ?? 'run-notebook',
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION,
    },
    parent_header: {},
    metadata: {},
    content: options.content,
    buffers: [],
  };
}

/**
 * Serialises and signs a message into zeromq frames (no routing identities: DEALER and SUB sockets
 * add none).
 *
 * @example
 * encodeMessage(newMessage({ msgType: 'kernel_info_request', session: 's', content: {} }), { key: 'k' })[0]; // '<IDS|MSG>'
 */
export function encodeMessage(message: JupyterMessage, signing: SigningKey): Array<string | Buffer> {
  const frames = [
    JSON.stringify(message.header),
    JSON.stringify(message.parent_header),
    JSON.stringify(message.metadata),
    JSON.stringify(message.content),
  ];
  return [DELIMITER, sign(signing, frames), ...frames, ...message.buffers];
}

/**
 * Decodes and verifies a multipart message received from a kernel.
 *
 * @param frames - the raw frames, with any routing identities before the delimiter
 * @throws Error when the delimiter is missing, a frame is not JSON, or the signature does not match
 * @example
 * const key = { key: 'k' };
 * decodeMessage(encodeMessage(newMessage({ msgType: 'x', session: 's', content: {} }), key).map((f) => Buffer.from(f)), key);
 */
export function decodeMessage(frames: ReadonlyArray<Buffer>, signing: SigningKey): JupyterMessage {
  const delimiterIndex = frames.findIndex((frame) => frame.toString() === DELIMITER);
  if (delimiterIndex < 0) throw new Error('Jupyter message without the "<IDS|MSG>" delimiter');
  const signature = frames[delimiterIndex + 1]?.toString() ?? '';
  const body = frames.slice(delimiterIndex + 2);
  if (body.length < 4) throw new Error(`Jupyter message with ${body.length} frames after the signature, need 4`);
  const expected = sign(signing, body.slice(0, 4));
  if (
    expected.length !== signature.length ||
    !timingSafeEqual(Buffer.from(expected), Buffer.from(signature))
  ) {
    throw new Error('Jupyter message with an invalid HMAC signature');
  }
  const [header, parent, metadata, content] = body.slice(0, 4).map((frame) => JSON.parse(frame.toString()));
  return { header, parent_header: parent, metadata, content, buffers: body.slice(4) };
}

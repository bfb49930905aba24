/** Protobuf at the wire level: the walker scanners use, and the head parser sniffers use. */
export { ProtoReader, DEFAULT_MAX_DEPTH, type Field, type Span, type ProtoReaderOptions } from "./reader.js";
export { parseHead, headPayload, isPrintable, type HeadField, type HeadParse } from "./head.js";
export { WIRE, MAX_VARINT_BYTES, asInt64, asSafeNumber, decodeVarint, splitTag, type WireType } from "./wire.js";
export { withKnownSize } from "../common.js";

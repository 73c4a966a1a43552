/**
 * @module resources/proto-content
 * Whether a proto's `content` compiles, as APISIX's grpc-transcode `compile_proto` decides at
 * write time: first as `.proto` source, then as a base64 `FileDescriptorSet` (the compiled `.pb`
 * APISIX documents for protos with imports). When neither form compiles, the source parser's
 * error is the answer. The text comes from protobufjs, not from lua-protobuf's protoc, so only
 * APISIX's `invalid content: ` prefix is the same (docs/admin-api.md).
 */
import protobuf from 'protobufjs';
// Loading the descriptor extension also adds Root.fromDescriptor, which its typings leave out.
import descriptor, { type IFileDescriptorSet } from 'protobufjs/ext/descriptor';

const DescriptorRoot = protobuf.Root as typeof protobuf.Root & {
  fromDescriptor(descriptorSet: IFileDescriptorSet): protobuf.Root;
};

/** Base64 as ngx.decode_base64 accepts it: the standard alphabet, padded to whole quads. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Compiles `.proto` source: parsed, then every type reference resolved. An `import` is refused,
 * as APISIX's protoc finds no file to import (such protos are uploaded as a descriptor set).
 * Resolves nothing, or the parser's error text.
 */
function sourceError(content: string): string | undefined {
  try {
    const parsed = protobuf.parse(content, { keepCase: true });
    const imported = [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])];
    if (imported.length > 0) return `cannot import "${imported[0]}": upload a descriptor set`;
    parsed.root.resolveAll();
    return undefined;
  } catch (err) {
    // A RangeError from nesting too deep for the stack is a refusal like any other.
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * Whether `content` is a base64 `FileDescriptorSet` of at least one file, whose types resolve.
 * (Runs of `A`, base64 for zero bytes, decode as an empty set, which no proto is.)
 */
function isDescriptorSet(content: string): boolean {
  if (!BASE64.test(content)) return false;
  try {
    const set = descriptor.FileDescriptorSet.decode(
      Buffer.from(content, 'base64'),
    ) as unknown as IFileDescriptorSet;
    if (set.file.length === 0) return false;
    DescriptorRoot.fromDescriptor(set).resolveAll();
    return true;
  } catch {
    return false;
  }
}

/** The reason `content` does not compile (APISIX's `invalid content: <reason>`), or nothing. */
export function protoContentError(content: string): string | undefined {
  const fromSource = sourceError(content);
  if (fromSource === undefined || isDescriptorSet(content)) return undefined;
  return fromSource;
}

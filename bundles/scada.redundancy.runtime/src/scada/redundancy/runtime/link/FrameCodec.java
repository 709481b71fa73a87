package scada.redundancy.runtime.link;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;

/** Frames to bytes and back; the length prefix is handled by Netty's length-field codecs before this. */
public final class FrameCodec extends MessageToMessageCodec<ByteBuf, Frame> {

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
        ByteBuf buf = ctx.alloc().buffer(1 + frame.payload().length);
        buf.writeByte(frame.type().code());
        buf.writeBytes(frame.payload());
        out.add(buf);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws ProtocolException {
        if (!in.isReadable()) {
            throw new ProtocolException("empty frame");
        }
        int code = in.readUnsignedByte();
        FrameType type = FrameType.of(code);
        if (type == null) {
            throw new ProtocolException("unknown frame type " + code);
        }
        byte[] payload = new byte[in.readableBytes()];
        in.readBytes(payload);
        out.add(new Frame(type, payload));
    }
}

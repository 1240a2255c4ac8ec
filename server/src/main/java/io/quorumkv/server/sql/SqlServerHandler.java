package io.quorumkv.server.sql;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.NoSuchConnectionException;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.apache.calcite.avatica.remote.ProtobufTranslation;
import org.apache.calcite.avatica.remote.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one client connection: hands each frame to the worker pool (the executor blocks; the event
 * loop must not), which parses the Avatica request, runs it and writes the response frame. Requests
 * of one connection run one after another, in order. A payload that is not an Avatica request
 * closes the connection; errors of a request are answered with an Avatica error response carrying
 * the SQLState. When the connection closes, the JDBC connections opened over it are closed.
 *
 * <p>One instance per channel.
 */
final class SqlServerHandler extends SimpleChannelInboundHandler<byte[]> {

  private static final Logger LOG = LoggerFactory.getLogger(SqlServerHandler.class);

  private final Service service;
  private final ProtobufTranslation translation;
  private final Executor workers;
  private final Service.RpcMetadataResponse serverAddress;
  private final Set<String> openedHere = ConcurrentHashMap.newKeySet();
  private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

  SqlServerHandler(
      Service service,
      ProtobufTranslation translation,
      Executor workers,
      Service.RpcMetadataResponse serverAddress) {
    this.service = service;
    this.translation = translation;
    this.workers = workers;
    this.serverAddress = serverAddress;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, byte[] payload) {
    // Parsed on the worker too: the one I/O thread serves every connection, so it only frames.
    // Chained on the event loop, so requests of this connection run in arrival order.
    tail = tail.thenRunAsync(() -> respond(ctx, payload), workers);
  }

  private void respond(ChannelHandlerContext ctx, byte[] payload) {
    if (!ctx.channel().isActive()) {
      return;
    }
    Service.Request request;
    try {
      request = translation.parseRequest(payload);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "closing SQL connection from {}: the frame is not an Avatica request ({})",
          ctx.channel().remoteAddress(),
          e.toString());
      ctx.close();
      return;
    }
    byte[] out;
    try {
      out = translation.serializeResponse(dispatch(request));
    } catch (IOException | RuntimeException e) {
      // Never leave the client waiting for an answer that will not come.
      LOG.warn("cannot answer a SQL request; closing the connection", e);
      ctx.close();
      return;
    }
    ByteBuf frame = ctx.alloc().buffer(5 + out.length);
    frame.writeInt(out.length + 1).writeByte(SqlFrameDecoder.VERSION).writeBytes(out);
    ctx.writeAndFlush(frame);
  }

  private Service.Response dispatch(Service.Request request) {
    try {
      return call(request);
    } catch (AvaticaRuntimeException e) {
      return error(e.getErrorMessage(), e.getErrorCode(), e.getSqlState(), e.getSeverity());
    } catch (NoSuchConnectionException e) {
      return error(
          "no connection " + e.getConnectionId() + " on this node",
          Service.ErrorResponse.MISSING_CONNECTION_ERROR_CODE,
          Service.ErrorResponse.UNKNOWN_SQL_STATE,
          AvaticaSeverity.ERROR);
    } catch (RuntimeException e) {
      AvaticaRuntimeException a = SqlErrors.toAvatica(e);
      return error(a.getErrorMessage(), a.getErrorCode(), a.getSqlState(), a.getSeverity());
    }
  }

  private Service.ErrorResponse error(
      String message, int code, String sqlState, AvaticaSeverity severity) {
    message = message == null ? "(no message)" : message;
    return new Service.ErrorResponse(
        List.of(message), message, code, sqlState, severity, serverAddress);
  }

  /** Avatica's request types, each to its {@code Service.apply} overload. */
  private Service.Response call(Service.Request r) {
    if (r instanceof Service.ExecuteRequest x) {
      return service.apply(x);
    } else if (r instanceof Service.FetchRequest x) {
      return service.apply(x);
    } else if (r instanceof Service.PrepareAndExecuteRequest x) {
      return service.apply(x);
    } else if (r instanceof Service.PrepareRequest x) {
      return service.apply(x);
    } else if (r instanceof Service.CreateStatementRequest x) {
      return service.apply(x);
    } else if (r instanceof Service.CloseStatementRequest x) {
      return service.apply(x);
    } else if (r instanceof Service.ConnectionSyncRequest x) {
      return service.apply(x);
    } else if (r instanceof Service.OpenConnectionRequest x) {
      Service.Response response = service.apply(x);
      openedHere.add(x.connectionId);
      return response;
    } else if (r instanceof Service.CloseConnectionRequest x) {
      openedHere.remove(x.connectionId);
      return service.apply(x);
    } else if (r instanceof Service.ExecuteBatchRequest x) {
      return service.apply(x);
    } else if (r instanceof Service.PrepareAndExecuteBatchRequest x) {
      return service.apply(x);
    } else if (r instanceof Service.DatabasePropertyRequest x) {
      return service.apply(x);
    } else if (r instanceof Service.TablesRequest x) {
      return service.apply(x);
    } else if (r instanceof Service.ColumnsRequest x) {
      return service.apply(x);
    } else if (r instanceof Service.SchemasRequest x) {
      return service.apply(x);
    } else if (r instanceof Service.CatalogsRequest x) {
      return service.apply(x);
    } else if (r instanceof Service.TableTypesRequest x) {
      return service.apply(x);
    } else if (r instanceof Service.TypeInfoRequest x) {
      return service.apply(x);
    } else if (r instanceof Service.SyncResultsRequest x) {
      return service.apply(x);
    } else if (r instanceof Service.CommitRequest x) {
      return service.apply(x);
    } else if (r instanceof Service.RollbackRequest x) {
      return service.apply(x);
    }
    throw SqlErrors.error(
        "unsupported request " + r.getClass().getSimpleName(), SqlErrors.INTERNAL_ERROR);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    // Close, after any request still running, the JDBC connections this client left open.
    tail =
        tail.thenRunAsync(
            () -> {
              for (String id : openedHere) {
                service.apply(new Service.CloseConnectionRequest(id));
              }
              openedHere.clear();
            },
            workers);
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.warn("closing SQL connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}

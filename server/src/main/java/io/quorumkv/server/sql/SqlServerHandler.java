package io.quorumkv.server.sql;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.quorumkv.sqlwire.CompactExecute;
import io.quorumkv.sqlwire.Frames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.NoSuchConnectionException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.apache.calcite.avatica.remote.LocalService;
import org.apache.calcite.avatica.remote.ProtobufTranslation;
import org.apache.calcite.avatica.remote.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one client connection. Requests in multiplexed frames run concurrently and each is
 * answered with its request id as soon as it is done; requests in serial frames run one after
 * another and are answered in order. Either way the request is parsed on the event loop (large ones
 * on a worker) and handed to the worker pool (the executor blocks; the event loop must not). The
 * exception is the commonest request, the execution of a prepared primary-key point SELECT whose
 * plan is current by the schema lease: it starts on the event loop (which never blocks for it) and
 * is answered when the store's read completes, saving the hand-off to a worker and back. Answers
 * leave with consolidated flushes (the pipeline's {@code FlushConsolidationHandler}), so answers
 * finished together share a system call. A payload that is not an Avatica request closes the
 * connection; errors of a request are answered with an Avatica error response carrying the
 * SQLState. When the connection closes, the JDBC connections opened over it are closed.
 *
 * <p>One instance per channel.
 */
final class SqlServerHandler extends SimpleChannelInboundHandler<SqlFrameDecoder.SqlFrame> {

  private static final Logger LOG = LoggerFactory.getLogger(SqlServerHandler.class);

  /** Requests larger than this are parsed on a worker, so one big batch does not stall the loop. */
  private static final int PARSE_ON_LOOP_MAX_BYTES = 16 << 10;

  private final LocalService service;
  private final QuorumMeta meta;
  private final ProtobufTranslation translation;
  private final Executor workers;
  private final LongAdder compactAnswers;
  private final Service.RpcMetadataResponse serverAddress;
  private final Set<String> openedHere = ConcurrentHashMap.newKeySet();

  /** Completes when the last serial request is answered; event loop only. */
  private CompletableFuture<Void> serialTail = CompletableFuture.completedFuture(null);

  SqlServerHandler(
      LocalService service,
      QuorumMeta meta,
      ProtobufTranslation translation,
      Executor workers,
      LongAdder compactAnswers,
      Service.RpcMetadataResponse serverAddress) {
    this.service = service;
    this.meta = meta;
    this.translation = translation;
    this.workers = workers;
    this.compactAnswers = compactAnswers;
    this.serverAddress = serverAddress;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, SqlFrameDecoder.SqlFrame frame) {
    byte[] payload = frame.payload();
    // A compact request is answered compactly when the answer fits that encoding.
    boolean compact = CompactExecute.isCompact(payload);
    if (frame.version() == Frames.MULTIPLEXED) {
      int id = frame.requestId();
      start(ctx, payload, response -> write(ctx, Frames.MULTIPLEXED, id, response, compact));
      return;
    }
    Consumer<Service.Response> reply = response -> write(ctx, Frames.SERIAL, 0, response, compact);
    serialTail =
        serialTail.isDone()
            ? start(ctx, payload, reply)
            : serialTail.thenComposeAsync(done -> start(ctx, payload, reply), ctx.executor());
  }

  /**
   * Starts one request on the event loop; the returned future completes once it is answered through
   * {@code reply}. An execution of a primary-key point SELECT runs here and is answered from the
   * store's completion without a worker thread: no hand-off to a worker and back, and no worker
   * parked on the store. Anything else (or a point read that turns out to need the catalog) goes to
   * a worker.
   */
  private CompletableFuture<Void> start(
      ChannelHandlerContext ctx, byte[] payload, Consumer<Service.Response> reply) {
    if (payload.length > PARSE_ON_LOOP_MAX_BYTES) {
      return CompletableFuture.runAsync(
          () -> {
            Service.Request request = parse(ctx, payload);
            if (request != null) {
              answer(ctx, request, reply);
            }
          },
          workers);
    }
    Service.Request request = parse(ctx, payload);
    if (request == null) {
      return CompletableFuture.completedFuture(null);
    }
    if (!(request instanceof Service.ExecuteRequest x)) {
      return CompletableFuture.runAsync(() -> answer(ctx, request, reply), workers);
    }
    CompletableFuture<Meta.ExecuteResult> started =
        meta.executeAsync(x.statementHandle, x.parameterValues, x.maxRowCount);
    if (started == null) {
      return CompletableFuture.runAsync(() -> answer(ctx, request, reply), workers);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    started.whenComplete(
        (result, failure) -> {
          if (failure == null && result == null) {
            workers.execute(
                () -> {
                  try {
                    answer(ctx, request, reply);
                  } finally {
                    done.complete(null);
                  }
                });
            return;
          }
          Runnable answer =
              () -> {
                try {
                  respond(
                      ctx, reply, () -> failure == null ? executeResponse(result) : error(failure));
                } finally {
                  done.complete(null);
                }
              };
          // On a node's own event loop the store completes here: answer without a hand-off.
          if (ctx.executor().inEventLoop()) {
            answer.run();
          } else {
            ctx.executor().execute(answer);
          }
        });
    return done;
  }

  /** The request in {@code payload}, or null after closing the connection when it is not one. */
  private Service.Request parse(ChannelHandlerContext ctx, byte[] payload) {
    try {
      return CompactExecute.isCompact(payload)
          ? CompactExecute.decodeRequest(payload)
          : translation.parseRequest(payload);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "closing SQL connection from {}: the frame is not an Avatica request ({})",
          ctx.channel().remoteAddress(),
          e.toString());
      ctx.close();
      return null;
    }
  }

  /**
   * The response to an execution, without the result signatures the client already has (its
   * prepared statement's) when the client takes a missing one to be that (protocol revision 2):
   * decoding the column metadata of every result was the largest share of the driver's CPU for a
   * point read, and encoding it a large share of the node's. Decided on the Meta's result, as
   * Avatica's conversion replaces the signature object.
   */
  private Service.ExecuteResponse executeResponse(Meta.ExecuteResult result) {
    List<Service.ResultSetResponse> results = new ArrayList<>(result.resultSets.size());
    for (Meta.MetaResultSet rs : result.resultSets) {
      Service.ResultSetResponse r = service.toResponse(rs);
      if (rs.signature instanceof CachedSignature cs
          && cs.clientHasIt
          && meta.elidesSignatures(rs.connectionId)) {
        r =
            new Service.ResultSetResponse(
                r.connectionId,
                r.statementId,
                r.ownStatement,
                null,
                r.firstFrame,
                r.updateCount,
                r.rpcMetadata);
      }
      results.add(r);
    }
    return new Service.ExecuteResponse(results, false, serverAddress);
  }

  /** As Avatica's {@code LocalService}, with {@link #executeResponse}. */
  private Service.ExecuteResponse execute(Service.ExecuteRequest x) {
    try {
      return executeResponse(meta.execute(x.statementHandle, x.parameterValues, x.maxRowCount));
    } catch (NoSuchStatementException e) {
      return new Service.ExecuteResponse(null, true, serverAddress);
    }
  }

  /**
   * The error response for a failure of any kind (see {@link SqlErrors#toAvatica}); throws a {@link
   * VirtualMachineError}.
   */
  private Service.Response error(Throwable failure) {
    AvaticaRuntimeException a = SqlErrors.toAvatica(failure);
    return error(a.getErrorMessage(), a.getErrorCode(), a.getSqlState(), a.getSeverity());
  }

  private void answer(
      ChannelHandlerContext ctx, Service.Request request, Consumer<Service.Response> reply) {
    if (!ctx.channel().isActive()) {
      return;
    }
    respond(ctx, reply, () -> dispatch(request));
  }

  /**
   * Answers with what {@code work} returns or, when it throws, with the error response for that:
   * every request gets an answer. The exception is a {@link VirtualMachineError}, which is no
   * statement's error: the connection is closed instead (so the client fails at once rather than
   * waiting out its timeout) and the error propagates.
   */
  private void respond(
      ChannelHandlerContext ctx,
      Consumer<Service.Response> reply,
      Supplier<Service.Response> work) {
    Service.Response response;
    try {
      try {
        response = work.get();
      } catch (RuntimeException | Error e) {
        response = error(e);
      }
    } catch (VirtualMachineError e) {
      LOG.error(
          "closing SQL connection from {}: the node failed while serving a request",
          ctx.channel().remoteAddress(),
          e);
      ctx.close();
      throw e;
    }
    reply.accept(response);
  }

  private void write(
      ChannelHandlerContext ctx,
      byte version,
      int requestId,
      Service.Response response,
      boolean compact) {
    byte[] out = null;
    try {
      if (compact) {
        out = CompactExecute.encodeResponse(response);
        if (out != null) {
          compactAnswers.increment();
        }
      }
      if (out == null) {
        out = translation.serializeResponse(response);
      }
    } catch (IOException | RuntimeException e) {
      // Never leave the client waiting for an answer that will not come.
      LOG.warn("cannot answer a SQL request; closing the connection", e);
      ctx.close();
      return;
    }
    boolean multiplexed = version == Frames.MULTIPLEXED;
    int header = 1 + (multiplexed ? 4 : 0);
    ByteBuf frame = ctx.alloc().buffer(4 + header + out.length);
    frame.writeInt(header + out.length).writeByte(version);
    if (multiplexed) {
      frame.writeInt(requestId);
    }
    frame.writeBytes(out);
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
    } catch (RuntimeException | Error e) {
      // Also an Error of the SQL layer (generated code, an assertion in Calcite): the client gets
      // an answer with a SQLState instead of waiting for one that never comes.
      return error(e);
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
      return execute(x);
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
    // Close the JDBC connections this client left open, after its serial requests; a multiplexed
    // request still running on one of them fails (its client is gone).
    serialTail =
        serialTail.thenRunAsync(
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

package io.github.nodrop.core.internal;

import io.github.nodrop.core.EncodedRecord;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The write-ahead journal of durable mode: a bounded ring of framed, checksummed records in a
 * memory-mapped file. A record is in the page cache, which outlives the process, as soon as {@link
 * #append} returns, so a {@code kill -9} of the application loses none of them; {@link #force} adds the
 * device for power loss.
 *
 * <p>Layout: a 4 KB header ({@code NDJRNL01}, version, capacity, the released position {@code tail}, the
 * destination topic and partition), then {@code capacity} bytes of ring. Positions are absolute and only
 * grow (a record at position p sits at ring offset p % capacity). A frame is 8-byte aligned: {@code long
 * position, int bodyLength, int crc32c(body), int state, int unused, body}, the body laid out as in a
 * spool file. The writer fills the frame and publishes it last, by storing its own position into the first
 * field with release semantics; a reader (or recovery) trusts a frame only if that field equals the
 * position it expects and the checksum matches, so stale bytes from an earlier lap, or a frame a killed
 * thread left half-written, are never mistaken for a record. A record that would cross the end of the ring
 * is preceded by a padding frame (or, when fewer than 24 bytes remain, by an implicit skip).
 *
 * <p>States: {@code LIVE} when published; {@code ORPHAN} when the writer could not also hand it to the
 * in-memory buffer (full), so the sender must read it from here ({@link #nextOrphan}); {@code SENT} once
 * the sender took it (from the buffer, {@link #claim}, or as an orphan); {@code DONE} once Kafka
 * acknowledged it or it is safely in the spool (stored by {@link #markDone}, from any thread, Kafka's
 * network thread included: a memory store, no I/O). {@link #release} moves {@code tail} over the done prefix, which frees the space for new records;
 * done frames past a live one wait for it. At start, {@link #recover} scans the whole window from {@code
 * tail} and returns every published frame still live, skipping holes left by threads killed mid-write.
 *
 * <p>Multi-producer: appenders reserve space with one compare-and-set on {@code head} and never wait; a
 * full ring answers {@link #FULL}. Thread-safe.
 */
public final class Journal implements AutoCloseable {

    public static final long FULL = -1;
    static final byte[] MAGIC = "NDJRNL01".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER = 4096;
    static final int FRAME_HEADER = 24;
    static final int TAIL_OFFSET = 24;
    static final int LIVE = 1;
    static final int DONE = 2;
    static final int PAD = 3;
    static final int SENT = 4;
    static final int ORPHAN = 5;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private final FileClaims.Claim file;
    private final MappedByteBuffer map;
    private final FileOps ops;
    private final long capacity;
    private final String topic;
    private final Integer partition;
    private final AtomicLong head = new AtomicLong();
    private volatile long tail;
    private volatile boolean closed;
    private long recoveredEnd = -1;
    private long scanPosition;

    private Journal(
            FileClaims.Claim file, MappedByteBuffer map, FileOps ops, long capacity, String topic, Integer partition) {
        this.file = file;
        this.map = map;
        this.ops = ops;
        this.capacity = capacity;
        this.topic = topic;
        this.partition = partition;
    }

    /** Creates, fills with zeros (so a full disk shows now, not as a fault later) and maps a new journal. */
    public static Journal create(FileClaims.Claim file, long capacity, String topic, Integer partition, FileOps ops)
            throws IOException {
        if (capacity < 64 * 1024 || capacity > (1L << 30) || capacity % 8 != 0) {
            throw new IllegalArgumentException(
                    "journal capacity " + capacity + " must be 64KB to 1GB, a multiple of 8");
        }
        ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
        long size = HEADER + capacity;
        long written = 0;
        while (written < size) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), size - written));
            while (zeros.hasRemaining()) {
                written += ops.write(file.channel(), zeros);
            }
        }
        ops.force(file.channel());
        MappedByteBuffer map = ops.map(file.channel(), 0, size);
        map.put(MAGIC).putInt(VERSION).putInt(HEADER).putLong(capacity).putLong(0);
        byte[] name = topic.getBytes(StandardCharsets.UTF_8);
        map.putInt(name.length).put(name).putInt(partition == null ? -1 : partition);
        map.position(0);
        ops.force(map);
        return new Journal(file, map, ops, capacity, topic, partition);
    }

    /** Maps an existing journal; throws if it is not one. Call {@link #recover} next. */
    public static Journal attach(FileClaims.Claim file, FileOps ops) throws IOException {
        long size = file.channel().size();
        if (size < HEADER) {
            throw new IOException("not a nodrop journal (only " + size + " bytes)");
        }
        MappedByteBuffer map = ops.map(file.channel(), 0, size);
        byte[] magic = new byte[MAGIC.length];
        map.duplicate().position(0).get(magic);
        long capacity = map.getLong(16);
        if (!Arrays.equals(magic, MAGIC) || map.getInt(8) != VERSION || map.getInt(12) != HEADER) {
            throw new IOException("not a nodrop journal (bad header)");
        }
        if (capacity <= 0 || capacity % 8 != 0 || HEADER + capacity > size) {
            throw new IOException("journal header claims capacity " + capacity + " in a file of " + size + " bytes");
        }
        int nameLength = map.getInt(32);
        if (nameLength < 0 || nameLength > 1024) {
            throw new IOException("journal header has a bad topic length " + nameLength);
        }
        byte[] name = new byte[nameLength];
        map.duplicate().position(36).get(name);
        int fixed = map.getInt(36 + nameLength);
        Journal journal = new Journal(
                file, map, ops, capacity, new String(name, StandardCharsets.UTF_8), fixed < 0 ? null : fixed);
        long tail = (long) LONGS.getAcquire(map, TAIL_OFFSET);
        journal.tail = tail;
        journal.head.set(tail);
        return journal;
    }

    public String topic() {
        return topic;
    }

    public Integer partition() {
        return partition;
    }

    public long capacity() {
        return capacity;
    }

    public java.nio.file.Path path() {
        return file.path();
    }

    /** Bytes between the released tail and the head: records not yet done, and done ones behind them. */
    public long usedBytes() {
        return head.get() - tail;
    }

    /**
     * Writes and publishes the record; returns its position, or {@link #FULL} when the ring has no room
     * (or the record is larger than the ring). Any thread; never blocks.
     */
    public long append(EncodedRecord record) {
        if (closed) {
            return FULL;
        }
        int body = SpoolFormat.bodySize(record);
        long frame = align(FRAME_HEADER + (long) body);
        if (frame > capacity) {
            return FULL;
        }
        long start;
        long skip;
        while (true) {
            start = head.get();
            long room = capacity - start % capacity;
            skip = room < frame ? room : 0;
            if (start + skip + frame - tail > capacity) {
                return FULL;
            }
            if (head.compareAndSet(start, start + skip + frame)) {
                break;
            }
        }
        if (skip >= FRAME_HEADER) {
            publishPadding(start, skip);
        }
        long position = start + skip;
        int at = index(position);
        boolean published = false;
        try {
            ByteBuffer target = map.duplicate();
            target.position(at + FRAME_HEADER);
            SpoolFormat.writeBody(target, record);
            map.putInt(at + 8, body);
            map.putInt(at + 12, SpoolFormat.crc(map, at + FRAME_HEADER, body));
            map.putInt(at + 16, LIVE);
            LONGS.setRelease(map, at, position);
            published = true;
            return position;
        } finally {
            if (!published) {
                publishPadding(position, frame); // let readers step over the reserved space
            }
        }
    }

    private void publishPadding(long position, long length) {
        int at = index(position);
        map.putInt(at + 8, (int) (length - FRAME_HEADER));
        map.putInt(at + 16, PAD);
        LONGS.setRelease(map, at, position);
    }

    /** The record at {@code position} is acknowledged or safely spooled. Any thread; a memory store only. */
    public void markDone(long position) {
        if (position < 0 || closed) {
            return;
        }
        INTS.setRelease(map, index(position) + 16, DONE);
    }

    /**
     * The writer could not hand the record to the buffer: it stays here for the sender to read. Returns
     * false if the record was no longer {@code LIVE} (cannot happen for a record nobody else was given).
     */
    public boolean orphan(long position) {
        return !closed && INTS.compareAndSet(map, index(position) + 16, LIVE, ORPHAN);
    }

    /** The sender took the record from the buffer; a scan for orphans may now pass it. */
    public void claim(long position) {
        if (position >= 0 && !closed) {
            INTS.compareAndSet(map, index(position) + 16, LIVE, SENT);
        }
    }

    /**
     * The position of the next orphan (now claimed, {@code SENT}), or -1 when there is none before the
     * first record still waiting in the buffer. Sender only; read the record with {@link #read}.
     */
    public synchronized long nextOrphan() {
        long p = Math.max(scanPosition, tail);
        long h = head.get();
        while (p < h && !closed) {
            long room = capacity - p % capacity;
            if (room < FRAME_HEADER) {
                p += room;
                continue;
            }
            int at = index(p);
            if ((long) LONGS.getAcquire(map, at) != p) {
                break; // reserved, not yet published
            }
            int state = (int) INTS.getAcquire(map, at + 16);
            long length = FRAME_HEADER + (long) map.getInt(at + 8);
            if (state == PAD) {
                p += length;
            } else if (state == DONE || state == SENT) {
                p += align(length);
            } else if (state == ORPHAN && INTS.compareAndSet(map, at + 16, ORPHAN, SENT)) {
                scanPosition = p + align(length);
                return p;
            } else {
                break; // LIVE: the sender gets it from the buffer
            }
        }
        scanPosition = p;
        return -1;
    }

    /** The record published at {@code position}. */
    public EncodedRecord read(long position) {
        int at = index(position);
        ByteBuffer body = map.duplicate();
        body.limit(at + FRAME_HEADER + map.getInt(at + 8)).position(at + FRAME_HEADER);
        return SpoolFormat.decode(body);
    }

    /** Frees the space of the done records at the tail; returns the new tail. */
    public synchronized long release() {
        long t = tail;
        long h = head.get();
        while (t < h) {
            long room = capacity - t % capacity;
            if (room < FRAME_HEADER) {
                t += room;
                continue;
            }
            int at = index(t);
            if ((long) LONGS.getAcquire(map, at) != t) {
                break; // reserved, not yet published
            }
            int state = (int) INTS.getAcquire(map, at + 16);
            long length = FRAME_HEADER + (long) map.getInt(at + 8);
            if (state == PAD) {
                t += length;
            } else if (state == DONE) {
                t += align(length);
            } else {
                break;
            }
        }
        if (t != tail && !closed) {
            tail = t;
            LONGS.setRelease(map, TAIL_OFFSET, t);
        }
        return t;
    }

    /**
     * Every published record past the tail that is not done, oldest first, and moves the journal past all
     * of them (call it once, before any {@link #append}); the caller puts them in the spool and then calls
     * {@link #forgetRecovered()}.
     */
    public List<EncodedRecord> recover() {
        List<EncodedRecord> live = new ArrayList<>();
        long start = tail;
        long limit = start + capacity;
        long p = start;
        long end = start;
        while (p < limit) {
            long room = capacity - p % capacity;
            if (room < FRAME_HEADER) {
                p += room;
                continue;
            }
            int at = index(p);
            if (map.getLong(at) == p) {
                int length = map.getInt(at + 8);
                int state = map.getInt(at + 16);
                long frame = align(FRAME_HEADER + (long) length);
                if (length >= 0 && frame <= room) {
                    if (state == PAD && FRAME_HEADER + (long) length == room) {
                        p += room;
                        end = p;
                        continue;
                    }
                    boolean notDone = state == LIVE || state == ORPHAN || state == SENT;
                    if ((notDone || state == DONE)
                            && SpoolFormat.crc(map, at + FRAME_HEADER, length) == map.getInt(at + 12)) {
                        if (notDone) {
                            ByteBuffer body = map.duplicate();
                            body.limit(at + FRAME_HEADER + length).position(at + FRAME_HEADER);
                            try {
                                live.add(SpoolFormat.decode(body));
                            } catch (RuntimeException e) {
                                // checksummed but unparsable: cannot be a record of ours
                            }
                        }
                        p += frame;
                        end = p;
                        continue;
                    }
                }
            }
            p += 8; // a hole left by a thread killed mid-write, or stale bytes: look further
        }
        head.set(end);
        scanPosition = end;
        recoveredEnd = end;
        return live;
    }

    /** After the recovered records are safely in the spool: the journal starts empty past them. */
    public void forgetRecovered() {
        if (recoveredEnd < 0) {
            return;
        }
        tail = recoveredEnd;
        head.set(recoveredEnd);
        LONGS.setRelease(map, TAIL_OFFSET, recoveredEnd);
        ops.force(map);
        recoveredEnd = -1;
    }

    /** Flushes the journal to the device (for power loss; a killed process needs no flush). */
    public void force() {
        if (!closed) {
            ops.force(map);
        }
    }

    /** Stops appends and releases the file lock; the mapping goes when the garbage collector frees it. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        release();
        closed = true;
        file.close();
    }

    private int index(long position) {
        return HEADER + (int) (position % capacity);
    }

    private static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }
}

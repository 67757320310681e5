package io.github.nodrop.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Every file operation of the spool, the quarantine and the journal goes through here, so a test can make
 * any single call fail the way a full or broken disk does (ENOSPC on the third write, EIO on a rename, a
 * partial write). {@link #DEFAULT} calls the JDK. Implementations must be thread-safe.
 */
public interface FileOps {

    FileOps DEFAULT = new FileOps() {};

    /** Whether the platform has POSIX permissions; new files are then owner-only (logs hold personal data). */
    boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    /** Creates the directory and its parents, owner-only where supported. */
    default void createDirectories(Path directory) throws IOException {
        if (POSIX) {
            Files.createDirectories(
                    directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(directory);
        }
    }

    /** Creates a new file (failing if it exists), owner-only where supported, open for reading and writing. */
    default FileChannel create(Path path) throws IOException {
        Set<StandardOpenOption> options =
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
        return POSIX
                ? FileChannel.open(
                        path,
                        options,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : FileChannel.open(path, options);
    }

    /** Opens an existing file for reading and writing. */
    default FileChannel openReadWrite(Path path) throws IOException {
        return FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** Opens an existing file for reading. */
    default FileChannel openRead(Path path) throws IOException {
        return FileChannel.open(path, StandardOpenOption.READ);
    }

    /** Writes some of the buffer at the channel's position; returns the bytes written, like the JDK. */
    default int write(FileChannel channel, ByteBuffer buffer) throws IOException {
        return channel.write(buffer);
    }

    /** Flushes the file's data to the device. */
    default void force(FileChannel channel) throws IOException {
        channel.force(false);
    }

    /** Cuts the file to {@code size} bytes. */
    default void truncate(FileChannel channel, long size) throws IOException {
        channel.truncate(size);
    }

    default MappedByteBuffer map(FileChannel channel, long position, long size) throws IOException {
        return channel.map(FileChannel.MapMode.READ_WRITE, position, size);
    }

    /** Flushes a mapped region to the device. */
    default void force(MappedByteBuffer buffer) {
        buffer.force();
    }

    /** An exclusive lock without waiting, or {@code null} when another process holds one. */
    default FileLock tryLock(FileChannel channel) throws IOException {
        return channel.tryLock();
    }

    default void moveAtomically(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }

    default boolean deleteIfExists(Path path) throws IOException {
        return Files.deleteIfExists(path);
    }

    default boolean exists(Path path) {
        return Files.exists(path);
    }

    default long size(Path path) throws IOException {
        return Files.size(path);
    }

    /** The entries of a directory whose names match the glob. */
    default List<Path> list(Path directory, String glob) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, glob)) {
            stream.forEach(paths::add);
        }
        return paths;
    }
}

package io.globalfunc.core.library;

/**
 * What the seed's {@code scan_directory} records of each file: md5 of its bytes, modification time
 * ({@code %Y-%m-%d %H:%M:%S}), line count and file name.
 */
public record FileMeta(String hash, String modifiedTime, int lineCount, String name) {}

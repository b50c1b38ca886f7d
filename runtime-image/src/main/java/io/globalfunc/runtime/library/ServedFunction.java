package io.globalfunc.runtime.library;

import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.library.FileMeta;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.naming.FunctionName;

/** A function this runtime serves: its names, its file's metadata and what Python says of it. */
public record ServedFunction(
    FunctionName name,
    FunctionRef ref,
    String path,
    FileMeta meta,
    FunctionInfo info,
    String commit) {}

# Sourced by bin/gf and scripts/cli-cds.sh: which java gf runs on, and with which flags.
# gf_aot_java prints the java of the first JDK 25+ among GF_JAVA, JAVA_HOME and the usual install
# folders (/usr/lib/jvm, /usr/local/lib/jvm, /opt/java, /opt); the version is read from the JDK's
# `release` file, so looking costs no JVM start.

# The major version of the JDK at $1 (a JDK folder), or nothing.
gf_jdk_major() {
  local line v
  [ -r "$1/release" ] || return 1
  while IFS= read -r line; do
    case "$line" in
      JAVA_VERSION=*)
        v="${line#JAVA_VERSION=}"
        v="${v//\"/}"
        v="${v%%[.+-]*}"
        [ "$v" = 1 ] && v=8
        echo "$v"
        return 0
        ;;
    esac
  done <"$1/release"
  return 1
}

# The JDK folder of $1, a JDK folder or its bin/java.
gf_jdk_home() {
  case "$1" in
    */bin/java) echo "${1%/bin/java}" ;;
    *) echo "${1%/}" ;;
  esac
}

gf_aot_java() {
  local c home major
  for c in "${GF_JAVA:-}" "${JAVA_HOME:-}" /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/*jdk*; do
    [ -n "$c" ] || continue
    home="$(gf_jdk_home "$c")"
    [ -x "$home/bin/java" ] || continue
    major="$(gf_jdk_major "$home")" || continue
    if [ "$major" -ge 25 ] 2>/dev/null; then
      echo "$home/bin/java"
      return 0
    fi
  done
  return 1
}

# The JVM flags of gf on a JDK 25+ with its AOT cache: C1 only and the serial collector suit a
# run of well under a second; netty (the embedded catalog) still uses sun.misc.Unsafe, which
# JDK 24+ warns about on stderr unless allowed.
gf_aot_flags() {
  echo -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData \
    --sun-misc-unsafe-memory-access=allow -Xlog:aot=off -Xlog:cds=off
}

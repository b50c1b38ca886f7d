package io.globalfunc.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Function libraries written by tests: good functions and every way a function can misbehave. */
public final class TestLibraries {

  private TestLibraries() {}

  /** Files of a library with well-behaved and badly-behaved functions, by relative path. */
  public static Map<String, String> misbehaving() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(
        "Base/inverse_time_str.py",
        """
        import time


        def inverse_time_str(time_str=None, bias_hours=0):
            \"\"\"Time string to timestamp. 时间字符串转时间戳。\"\"\"
            ts = time.mktime(time.strptime(time_str, "%Y-%m-%d %H:%M:%S")) + bias_hours * 3600
            return int(ts) if ts == int(ts) else ts
        """);
    files.put("Base/add.py", "def add(a, b=2):\n    return a + b\n");
    files.put(
        "Base/helper_user.py",
        "from Base._helpers import double\n\n\ndef helper_user(x=1):\n    return double(x)\n");
    files.put("Base/_helpers.py", "def double(x):\n    return 2 * x\n");
    files.put("Base/mismatch.py", "def something_else():\n    return 1\n");
    files.put("Base/not_callable.py", "not_callable = 42\n");
    files.put("Base/notes.md", "# notes\n");
    files.put("Base/data.pkl", "binary");
    files.put("_private/hidden.py", "def hidden():\n    return 'hidden'\n");
    files.put(".hidden/secret.py", "def secret():\n    return 'secret'\n");
    files.put("Base/os_user.py", "import os\n\n\ndef os_user():\n    return os.getcwd() != ''\n");
    files.put("Bad/raises.py", "def raises(message='boom'):\n    raise ValueError(message)\n");
    files.put(
        "Bad/chatty.py",
        "def chatty(lines=5000):\n    for i in range(lines):\n        print('line', i)\n    return lines\n");
    files.put(
        "Bad/sleepy.py",
        "import time\n\n\ndef sleepy(seconds=10):\n    time.sleep(seconds)\n    return seconds\n");
    files.put("Bad/exits.py", "import os\n\n\ndef exits(code=3):\n    os._exit(code)\n");
    files.put("Bad/segfault.py", "import ctypes\n\n\ndef segfault():\n    ctypes.string_at(0)\n");
    files.put("Bad/returns_set.py", "def returns_set():\n    return {1, 2, 3}\n");
    files.put("Bad/returns_nan.py", "def returns_nan():\n    return float('nan')\n");
    files.put("Bad/returns_inf.py", "def returns_inf():\n    return [float('inf')]\n");
    files.put(
        "Bad/big_result.py", "def big_result(mib=5):\n    return 'x' * (mib * 1024 * 1024)\n");
    files.put("Bad/echo.py", "def echo(value=None):\n    return value\n");
    files.put("Bad/sys_exit.py", "import sys\n\n\ndef sys_exit():\n    sys.exit(4)\n");
    files.put(
        "Bad/import_fails.py",
        "raise RuntimeError('module-level failure')\n\n\ndef import_fails():\n    return 1\n");
    files.put("Bad/syntax_error.py", "def syntax_error(:\n    return 1\n");
    files.put(
        "Bad/env_reader.py",
        "import os\n\n\ndef env_reader(name='GF_SECRET_TEST'):\n    return os.environ.get(name)\n");
    files.put(
        "Bad/writes_stdout_fd.py",
        "import os\n\n\ndef writes_stdout_fd():\n    os.write(1, b'garbage on fd 1\\n')\n    return 'ok'\n");
    files.put(
        "Bad/hog.py",
        "def hog(mib=512):\n    block = bytearray(mib * 1024 * 1024)\n    return len(block)\n");
    files.put("Bad/pid.py", "import os\n\n\ndef pid():\n    return os.getpid()\n");
    files.put(
        "中文包/时间戳.py",
        "def 时间戳(文本='2024-02-15 11:11:11'):\n    \"\"\"返回文本长度\"\"\"\n    return len(文本)\n");
    return files;
  }

  /** The small library the batch tests run: quick, slow and crashing functions. */
  public static Map<String, String> batchFunctions() {
    return Map.of(
        "Base/square.py", "def square(x=0):\n    return x * x\n",
        "Base/slow_square.py",
            "import time\n\n\ndef slow_square(x=0):\n    time.sleep(0.002)\n    return x * x\n",
        "Bad/crash_on.py",
            "import os\n\n\ndef crash_on(x=0, bad=-1):\n    if x == bad:\n        os._exit(1)\n    return x\n");
  }

  /**
   * Functions that attack the worker they run in: fork, spawn, leave threads, alarms and state
   * behind, forge protocol frames, return what cannot be encoded; plus a package named like a
   * standard module. Each writes the pids it starts to a file in the current folder.
   */
  public static Map<String, String> hostile() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("Base/add.py", "def add(a, b=2):\n    return a + b\n");
    files.put(
        "Hostile/sleepy.py",
        "import time\n\n\ndef sleepy(seconds=10):\n    time.sleep(seconds)\n    return seconds\n");
    files.put(
        "Hostile/forks.py",
        """
        import os
        import time


        def forks(seconds=30, marker="forked.pid"):
            pid = os.fork()
            if pid == 0:
                time.sleep(600)
                os._exit(0)
            with open(marker, "w") as f:
                f.write(str(pid))
            time.sleep(seconds)
            return pid
        """);
    files.put(
        "Hostile/spawns.py",
        """
        import subprocess
        import time


        def spawns(seconds=30, marker="spawned.pid"):
            child = subprocess.Popen(["sleep", "600"])
            with open(marker, "w") as f:
                f.write(str(child.pid))
            time.sleep(seconds)
            return child.pid
        """);
    files.put(
        "Hostile/leaves_thread.py",
        """
        import os
        import threading
        import time


        def leaves_thread(delay=1.0):
            def later():
                time.sleep(delay)
                os._exit(9)

            threading.Thread(target=later, daemon=True).start()
            return "left a thread"
        """);
    files.put(
        "Hostile/arms_alarm.py",
        """
        import signal


        def arms_alarm():
            def fire(signum, frame):
                raise RuntimeError("an alarm armed by an earlier call")

            signal.signal(signal.SIGALRM, fire)
            signal.alarm(1)
            return "armed"
        """);
    files.put(
        "Hostile/messes.py",
        """
        import io
        import os
        import socket
        import sys
        import time


        def messes():
            os.chdir("/")
            os.environ["GF_LEAKED"] = "leaked"
            os.environ["TZ"] = "Asia/Shanghai"
            time.tzset()
            sys.stdout = io.StringIO()
            sys.stderr = io.StringIO()
            sys.setrecursionlimit(120)
            socket.setdefaulttimeout(3)
            os.umask(0o077)
            return "messed"
        """);
    files.put(
        "Hostile/state.py",
        """
        import os
        import socket
        import sys
        import time


        def state():
            mask = os.umask(0o022)
            os.umask(mask)
            return {
                "cwd": os.getcwd(),
                "leaked": os.environ.get("GF_LEAKED"),
                "tz": os.environ.get("TZ"),
                "utcoffset": time.localtime(0).tm_gmtoff,
                "stdout": type(sys.stdout).__name__,
                "stderr": type(sys.stderr).__name__,
                "recursion": sys.getrecursionlimit(),
                "socket": socket.getdefaulttimeout(),
                "umask": mask,
            }
        """);
    files.put(
        "Hostile/bad_items.py",
        """
        class Sneaky(dict):
            def items(self):
                raise RuntimeError("items() refuses")


        def bad_items():
            return Sneaky(a=1)
        """);
    files.put(
        "Hostile/bad_str.py",
        """
        class Unprintable(Exception):
            def __str__(self):
                raise RuntimeError("__str__ refuses")


        def bad_str():
            raise Unprintable()
        """);
    files.put(
        "Hostile/forge.py",
        """
        import os
        import stat
        import struct
        import sys


        def _protocol_out():
            # The answers go out on the worker's one Unix socket (see gf_worker.py).
            for fd in range(3, 64):
                try:
                    if stat.S_ISSOCK(os.fstat(fd).st_mode):
                        return fd
                except OSError:
                    continue
            raise LookupError("no protocol socket")


        def forge(kind="corrupt", mib=4):
            fd = _protocol_out()
            if kind == "corrupt":
                os.write(fd, b"\\xff\\xff\\xff\\xff")
            else:
                size = mib * 1024 * 1024
                os.write(fd, struct.pack(">IBQ", size + 9, 0, sys.stdout.call_id))
                block = b"0" * (1024 * 1024)
                for _ in range(mib):
                    os.write(fd, block)
            return "forged"
        """);
    files.put(
        "Hostile/big_result.py", "def big_result(mib=2):\n    return 'x' * (mib * 1024 * 1024)\n");
    files.put(
        "Hostile/step.py",
        """
        import os
        import time


        def step(x=0, sleep=0, crash=False):
            time.sleep(sleep)
            if crash:
                os._exit(3)
            return x
        """);
    files.put(
        "Hostile/touch.py",
        "def touch(name='touched'):\n    open(name, 'w').close()\n    return name\n");
    files.put("Hostile/echo.py", "def echo(value=None):\n    return value\n");
    files.put(
        "Hostile/removes_workdir.py",
        """
        import os
        import shutil
        import time


        def removes_workdir(pause=0.0):
            time.sleep(pause)
            shutil.rmtree(os.getcwd())
            return "removed"
        """);
    files.put("datetime/today.py", "def today():\n    return 'shadowed'\n");
    files.put(
        "Hostile/uses_datetime.py",
        "import datetime\n\n\ndef uses_datetime():\n    return datetime.date(2024, 1, 2).isoformat()\n");
    return files;
  }

  /** Writes {@link #misbehaving()} under {@code root}. */
  public static Path writeMisbehaving(Path root) {
    return write(root, misbehaving());
  }

  /** Writes files under {@code root}. */
  public static Path write(Path root, Map<String, String> files) {
    try {
      for (Map.Entry<String, String> e : files.entrySet()) {
        Path file = root.resolve(e.getKey());
        Files.createDirectories(file.getParent());
        Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
      }
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

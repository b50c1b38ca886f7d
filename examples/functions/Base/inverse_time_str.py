import time


def inverse_time_str(time_str=None, bias_hours=0):
    """Turn a time string "%Y-%m-%d %H:%M:%S" into a Unix timestamp, shifted by bias_hours.

    将时间字符串转换为时间戳（秒），并考虑时区偏移小时数。
    Under TZ=UTC, inverse_time_str("2024-02-15 11:11:11", bias_hours=-8) == 1707966671:
    the timestamp of that wall-clock time in UTC+8.
    """
    ts = time.mktime(time.strptime(time_str, "%Y-%m-%d %H:%M:%S")) + bias_hours * 3600
    # The seed returned the float from mktime; whole seconds are returned as an int so the
    # JSON answer is 1707966671 rather than 1707966671.0.
    return int(ts) if ts == int(ts) else ts

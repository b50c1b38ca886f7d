import re


def clear_digits(text: str = "") -> str:
    """Remove every digit from a string.

    去掉字符串中的所有数字。
    """
    return re.sub(r"\d+", "", text)

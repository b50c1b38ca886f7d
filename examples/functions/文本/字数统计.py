def 字数统计(文本: str = "") -> int:
    """统计文本的字数（不含空白）。Count the characters of a text, whitespace excluded."""
    return sum(1 for ch in 文本 if not ch.isspace())

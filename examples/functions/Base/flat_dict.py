def flat_dict(data=None, sep="."):
    """Flatten a nested dict: {"a": {"b": 1}} -> {"a.b": 1}.

    将嵌套字典展开为一层，键用分隔符连接。
    """
    out = {}

    def walk(prefix, value):
        if isinstance(value, dict) and value:
            for k, v in value.items():
                walk(f"{prefix}{sep}{k}" if prefix else str(k), v)
        else:
            out[prefix] = value

    walk("", data or {})
    return out

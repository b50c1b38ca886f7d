def collide():
    """Two keys that become the same JSON key."""
    return {1: "int", "1": "str"}

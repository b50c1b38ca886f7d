from .字数统计 import 字数统计

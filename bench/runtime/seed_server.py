"""Baseline: a faithful reimplementation of the seed's tornado server (section 4 of the notes).

One process, one IOLoop; POST /gfgo/ decodes the JSON body, finds the function by
getattr(getattr(GlobalFunc, pack), func) on the imported library package (the seed's
get_func_by_para), calls it with **kwargs (or *args), and writes json.dumps of the result.
Tornado's access log is on, as in the seed's output ("200 POST /gfgo/ (127.0.0.1) 0.53ms").

Usage: python3 seed_server.py LIBRARY_DIR PORT
"""

import importlib
import json
import os
import sys

import tornado.httpserver
import tornado.ioloop
import tornado.log
import tornado.web


def get_func_by_para(some_func_pack, full_func_name):
    pack, funcname = full_func_name.split(".")
    the_pack = getattr(some_func_pack, pack)
    the_func = getattr(the_pack, funcname)
    return the_func


class GFGo:
    @staticmethod
    def _exe_func_args(global_func=None, pack_func=None, args=None):
        return get_func_by_para(global_func, pack_func)(*args)

    @staticmethod
    def _exe_func_kwargs(global_func=None, pack_func=None, kwargs=None):
        return get_func_by_para(global_func, pack_func)(**kwargs)


class GFGoHandler(tornado.web.RequestHandler):
    def initialize(self, funcs):
        self.funcs = funcs

    def post(self):
        some_dict = json.loads(self.request.body)
        if "kwargs" in some_dict:
            res = GFGo._exe_func_kwargs(self.funcs, some_dict["pack_func"], some_dict["kwargs"])
        else:
            res = GFGo._exe_func_args(self.funcs, some_dict["pack_func"], some_dict.get("args", []))
        self.write(json.dumps(res))


def load_library(library_dir):
    """import GlobalFunc as funcs: the library folder as one package of packages."""
    parent, name = os.path.split(os.path.abspath(library_dir))
    sys.path.insert(0, parent)
    sys.path.insert(0, os.path.abspath(library_dir))
    funcs = importlib.import_module(name)
    for entry in sorted(os.listdir(library_dir)):
        if os.path.isfile(os.path.join(library_dir, entry, "__init__.py")):
            setattr(funcs, entry, importlib.import_module(entry))
    return funcs


def main():
    library_dir, port = sys.argv[1], int(sys.argv[2])
    tornado.log.enable_pretty_logging()
    funcs = load_library(library_dir)
    app = tornado.web.Application([(r"/gfgo/", GFGoHandler, {"funcs": funcs})])
    server = tornado.httpserver.HTTPServer(app)
    server.listen(port, address="127.0.0.1")
    tornado.ioloop.IOLoop.current().start()


if __name__ == "__main__":
    main()

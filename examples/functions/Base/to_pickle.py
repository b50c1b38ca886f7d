import os
import pickle


def to_pickle(data=None, file_name=None, path="./"):
    """Save data as a pickle file <path><file_name>.pkl and return the file's path.

    将数据保存为 pickle 文件。Note: on a server the file lands in the worker's own folder.
    """
    target = os.path.join(path, file_name + ".pkl")
    with open(target, "wb") as output:
        pickle.dump(data, output)
    print("data save to pickle: ", target)
    return target

"""The asyncio twin against real runtimes: calls, attribute access, map, errors."""

from __future__ import annotations

import asyncio

import globalfunc
import globalfunc.aio
import pytest


def test_async_calls_and_map(pair):
    async def main():
        async with globalfunc.aio.connect([rt.url for rt in pair]) as gf:
            seed = await gf.Base.inverse_time_str(time_str="2024-02-15 11:11:11", bias_hours=-8)
            many = await asyncio.gather(*(gf.call("Probe.add", i, 1) for i in range(50)))
            await gf.functions()
            listed = dir(gf.Base)
            mapped = [r async for r in gf.map("Probe.square", ({"x": i} for i in range(2000)))]
            mixed = [r async for r in gf.map("Util.mean", [{"values": [1, 3]}, {"values": []}])]
            with pytest.raises(globalfunc.UnknownFunction, match="did you mean Util.mean"):
                await gf.Util.maen(values=[1])
            return seed, many, listed, mapped, mixed

    seed, many, listed, mapped, mixed = asyncio.run(main())
    assert seed == 1707966671
    assert many == [i + 1 for i in range(50)]
    assert listed == ["flat_dict", "inverse_time_str", "to_pickle"]
    assert mapped == [i * i for i in range(2000)]
    assert mixed[0] == 2.0 and isinstance(mixed[1], globalfunc.FunctionRaised)

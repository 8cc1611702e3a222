"""A Modbus TCP device served by pymodbus (not written here) that logs every write it takes.

Usage: modbus_write_peer.py PORT
Unit 1: holding 0 = 1234 (uint16), holding 30 = 2315 (a setpoint, x0.1), holding 40 = 0x0025 (a
status word: bits 0, 2 and 5 set), holding 41 = 0 (a mode), coils 0..7.
Each write request the device accepts is printed as `write FUNCTION ADDRESS VALUES`, flushed,
so a test counts the writes that reached the device.
"""
import asyncio, sys
from pymodbus.server import StartAsyncTcpServer
from pymodbus.simulator import SimData, SimDevice, DataType, simcore

_set_values = simcore.SimCore.async_setValues

async def _logged_set_values(self, device_id, func_code, address, values):
    print(f"write {func_code} {address} {list(int(v) for v in values)}", flush=True)
    return await _set_values(self, device_id, func_code, address, values)

simcore.SimCore.async_setValues = _logged_set_values

def device(unit):
    holding = [0] * 50
    holding[0] = 1234
    holding[30] = 2315
    holding[40] = 0x0025
    return SimDevice(id=unit, simdata=(
        [SimData(0, values=[False] * 8, datatype=DataType.BITS)],
        [SimData(0, values=[False] * 8, datatype=DataType.BITS)],
        [SimData(0, values=holding, datatype=DataType.REGISTERS)],
        [SimData(0, values=[0] * 8, datatype=DataType.REGISTERS)],
    ))

async def main():
    await StartAsyncTcpServer(context=[device(1)], address=('127.0.0.1', int(sys.argv[1])))

if __name__ == '__main__':
    asyncio.run(main())

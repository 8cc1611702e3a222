"""A SunSpec device that no one in this project wrote (pymodbus 3.16), for vigie's tests.

Usage: sunspec_peer.py PORT   (Modbus TCP on 127.0.0.1; prints "ready" once listening)

Unit 1: "SunS" at 40000, then the common model 1 (length 66, as SunSpec defines it), the integer
three-phase inverter 103 (length 50) whose W and W_SF flip between 12340 x 10^-1 and 1234 x 10^0
at every read of W (a device rescaling at run time: the value is 1234 W either way), the
multiple-MPPT model 160 with two modules (length 48), and the end marker. Holding 100 is a status
word (bits 0, 2 and 5 set), 101 an enum (4), 102-103 a 32-bit alarm register (bit 20 set).
Unit 2: a chain whose model 103 has a length running past the last register.
Unit 3: an unknown model 64999 before model 103, then no readable header (no end marker).
Model layouts from SunSpec's model files (github.com/sunspec/models, json/model_1, 103, 160).
"""
import asyncio, sys
from pymodbus.server import StartAsyncTcpServer
from pymodbus.simulator import SimData, SimDevice, DataType
from pymodbus.exceptions import NoSuchIdException
from pymodbus.simulator import simcore

# An absent unit stays silent rather than answering from device 0 (as ../shared/acceptance/modbus_peer.py).
def _device_or_silence(self, device_id):
    if device_id not in self.devices:
        raise NoSuchIdException(f"no unit {device_id}")
    return self.devices[device_id]
simcore.SimCore._SimCore__get_device = _device_or_silence

BASE = 40000
END = 0xFFFF

def text(value, registers):
    raw = value.encode().ljust(2 * registers, b'\0')
    return [raw[i] << 8 | raw[i + 1] for i in range(0, 2 * registers, 2)]

def s16(value):
    return value & 0xFFFF

def u32(value):
    return [value >> 16 & 0xFFFF, value & 0xFFFF]

def common():
    # Mn 16, Md 16, Opt 8, Vr 8, SN 16, DA 1, Pad 1: length 66
    return [1, 66] + text("Vigie Test", 16) + text("Inverter 103", 16) + text("", 8) + text("1.0", 8) \
        + text("SN123", 16) + [1, 0x8000]

# Offsets of model 103's points after ID and L.
W, W_SF = 12, 13
def inverter(length=50):
    p = [0] * 50
    p[0], p[4] = 1234, s16(-2)                 # A = 12.34 A
    p[8], p[9], p[10], p[11] = 2305, 0xFFFF, 2301, s16(-1)  # PhVphA 230.5 V, PhVphB not implemented
    p[W], p[W_SF] = 12340, s16(-1)             # W: flips with W_SF, 1234 W
    p[14], p[15] = 5000, s16(-2)               # Hz = 50.00
    p[22:24], p[24] = u32(1234567), 0          # WH = 1234567 Wh
    p[36] = 4                                  # St = MPPT
    p[38:40] = u32(1 << 0 | 1 << 7)            # Evt1: GROUND_FAULT, OVER_TEMP
    return [103, length] + p

def module(index, dcw):
    # ID, IDStr 8, DCA, DCV, DCW, DCWH 2, Tms 2, Tmp, DCSt, DCEvt 2: 20 registers
    return [index] + text(f"string {index}", 8) + [512 + index, 3800 + index, dcw] + u32(100000 * index) + u32(0) \
        + [25, 4] + u32(0)

def mppt():
    # DCA_SF, DCV_SF, DCW_SF, DCWH_SF, Evt 2, N, TmsPer; then N modules
    return [160, 48, s16(-2), s16(-1), 0, 0] + u32(0) + [2, 0] + module(1, 1946) + module(2, 1800)

def chain(*models):
    return text("SunS", 2) + [r for m in models for r in m]

def flip(w_address):
    """An action rescaling W at every read that covers it: 12340 x 10^-1 <-> 1234 x 10^0."""
    reads = [0]
    async def action(function_code, start_address, address, count, registers, values):
        if values is None and address <= w_address < address + count:
            reads[0] += 1
            w = w_address - start_address
            registers[w], registers[w + 1] = (12340, s16(-1)) if reads[0] % 2 == 1 else (1234, 0)
        return None
    return action

def device(unit, registers, action=None):
    holding = [SimData(100, values=[0b100101, 4] + u32(1 << 20), datatype=DataType.REGISTERS),
               SimData(BASE, values=registers, datatype=DataType.REGISTERS)]
    extra = {'action': action} if action else {}
    return SimDevice(id=unit, **extra, simdata=(
        [SimData(0, values=[False] * 8, datatype=DataType.BITS)],
        [SimData(0, values=[False] * 8, datatype=DataType.BITS)],
        holding,
        [SimData(0, values=[0] * 8, datatype=DataType.REGISTERS)],
    ))

async def main():
    port = int(sys.argv[1])
    good = chain(common(), inverter(), mppt(), [END, 0])
    w_address = BASE + 2 + 68 + 2 + W
    past_end = chain(common(), inverter(length=0xFFF0))
    unknown = chain(common(), [64999, 4, 1, 2, 3, 4], inverter())
    devices = [device(1, good, flip(w_address)), device(2, past_end), device(3, unknown)]
    server = StartAsyncTcpServer(context=devices, address=('127.0.0.1', port))
    task = asyncio.ensure_future(server)
    await asyncio.sleep(0.5)
    print("ready", flush=True)
    await task

if __name__ == '__main__':
    asyncio.run(main())

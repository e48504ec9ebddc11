/*
 * bcryptprimitives.dll for Wine 8, which has none: Rust's standard library imports
 * ProcessPrng from it (for HashMap keys and the like), so every Rust program would fail to
 * start. This exports ProcessPrng over RtlGenRandom (SystemFunction036 in advapi32).
 * .ci/windows.sh builds it with mingw-w64 and installs it into the Wine prefix.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}

"""open_xdmf.py: opens a microheal XDMF file in ParaView (pvpython, the "XDMF Reader") and checks it
against values read from its HDF5 file by tests/test_xdmf.c; exit 0 when everything matches, 1 with
one line per mismatch otherwise.

    xvfb-run -a pvpython tests/paraview/open_xdmf.py OUT.xmf --times 0,1,3 --arrays damage,blood \
        --dims 50,35,1 --bounds 0.02,1.98,-1.38,-0.02,0,0 --field damage --time 1 --range 0,0.118 \
        --value 10,0,0,0.5 [--value I,J,K,V ...] [--screenshot OUT.png]

--dims are the points along X, Y, Z; --value I,J,K,V: the value V of --field at --time at point
(I, J, K). Times, the range and values are compared exactly (the XDMF and the HDF5 file hold the same
numbers; pass them with 17 significant digits), bounds to 1e-9 mm (ParaView computes them from the
origin and the spacing).
"""
import argparse
import os
import sys

from paraview import servermanager
from paraview.simple import ColorBy, ForceTime, GetActiveViewOrCreate, Render, SaveScreenshot, Show, Slice, XDMFReader


def floats(text):
    return [float(v) for v in text.split(",")] if text else []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("xmf")
    ap.add_argument("--times", required=True)
    ap.add_argument("--arrays", required=True)
    ap.add_argument("--dims", required=True)
    ap.add_argument("--bounds", required=True)
    ap.add_argument("--field", required=True)
    ap.add_argument("--time", type=float, required=True)
    ap.add_argument("--range", required=True)
    ap.add_argument("--value", action="append", default=[])
    ap.add_argument("--screenshot")
    a = ap.parse_args()
    bad = []

    reader = XDMFReader(FileNames=[a.xmf])
    times = list(reader.TimestepValues)
    if times != floats(a.times):
        bad.append("timesteps %r, expected %s" % (times, a.times))
    names = sorted(reader.PointData.keys())
    if names != sorted(a.arrays.split(",")):
        bad.append("point arrays %r, expected %s" % (names, a.arrays))

    # the data at --time, fetched to this process
    at = ForceTime(Input=reader, ForcedTime=a.time, IgnorePipelineTime=1)
    data = servermanager.Fetch(at)
    if data is None or not data.IsA("vtkImageData"):
        bad.append("not image data: %s" % (data.GetClassName() if data else None))
        print("\n".join(bad))
        return 1
    dims = list(data.GetDimensions())
    if dims != [int(v) for v in a.dims.split(",")]:
        bad.append("dimensions %r, expected %s" % (dims, a.dims))
    bounds = data.GetBounds()
    for got, want in zip(bounds, floats(a.bounds)):
        if abs(got - want) > 1e-9:
            bad.append("bounds %r, expected %s" % (bounds, a.bounds))
            break
    array = data.GetPointData().GetArray(a.field)
    if array is None:
        bad.append("no point array %s" % a.field)
    else:
        lo, hi = array.GetRange()
        if [lo, hi] != floats(a.range):
            bad.append("%s at day %g: range %.17g %.17g, expected %s" % (a.field, a.time, lo, hi, a.range))
        for spec in a.value:
            i, j, k, v = spec.split(",")
            pid = int(i) + dims[0] * (int(j) + dims[1] * int(k))
            got = array.GetValue(pid)
            if got != float(v):
                bad.append("%s at day %g, point (%s, %s, %s): %.17g, expected %s" % (a.field, a.time, i, j, k, got, v))

    if a.screenshot:
        view = GetActiveViewOrCreate("RenderView")
        view.ViewTime = a.time
        shown = reader
        if dims[2] > 1:  # 3-D: the plane y = middle, seen as the toolbar's "Set view direction to +Y" shows it
            shown = Slice(Input=reader)
            shown.SliceType.Normal = [0.0, 1.0, 0.0]
            shown.SliceType.Origin = [(bounds[0] + bounds[1]) / 2, (bounds[2] + bounds[3]) / 2, 0.0]
        display = Show(shown, view)
        display.SetRepresentationType("Surface")
        ColorBy(display, ("POINTS", a.field))
        if dims[2] > 1:
            view.ResetActiveCameraToPositiveY()
        view.ResetCamera()
        Render(view)
        SaveScreenshot(a.screenshot, view, ImageResolution=[400, 300])
        if not os.path.exists(a.screenshot) or os.path.getsize(a.screenshot) == 0:
            bad.append("no screenshot in %s" % a.screenshot)

    for line in bad:
        print(line)
    print("open_xdmf: %s" % ("FAILED" if bad else "ok"))
    return 1 if bad else 0


if __name__ == "__main__":
    code = main()
    # Leave without tearing down the render window: Debian's ParaView 5.11 under Xvfb fails there with
    # GLXBadContext, and Xlib then ends the process with status 1 after every check passed.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)

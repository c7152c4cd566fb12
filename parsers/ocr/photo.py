"""Phone photos of a page: find the sheet in the picture so it can be warped flat.

A flatbed scan fills its frame with paper; a phone photo shows the sheet on whatever
it lay on (a desk, a table), seen a little from the side and lit unevenly. The sheet
is found as the largest four-cornered region whose every side is a real edge:

1. **Candidates**: the picture, shrunk and blurred so print melts into grey, is cut
   at several brightness levels (not only Otsu's: a coloured letterhead band or a
   tinted giro blank is darker than the paper and sometimes darker than the ground,
   so no single level separates the sheet), and split into the regions its edges
   enclose (uneven light and shadow leave no level that separates a sheet from a
   light ground, but its border is a step wherever the light falls; a dark band is a
   region of its own, so the largest regions are also tried two together). The
   largest region of each, filled in, gives a quadrilateral (its convex hull
   simplified until four corners are left).
2. **Each side must be an edge**: along each side the picture is sampled just inside
   and just outside; the side holds when most samples differ the same way by a clear
   step. Unevenly lit ground and shadows change slowly and give no such step along a
   whole side; a line through the ground (wood grain) has ground on both sides.
3. **The largest candidate that holds wins**: a cut that leaves out a dark band
   inside the sheet gives a smaller quadrilateral whose sides also hold, and the
   sheet is the outermost one.

A picture where no candidate holds, or whose quadrilateral fills nearly the whole
frame, is not a photo of a sheet on a ground (a scan): it is left as it is.

Figures (how often the sheet is found on the development corpus, the corner error)
are in ``docs/ocr.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

__all__ = ["find_sheet", "side_steps", "warp_sheet"]

Gray = npt.NDArray[Any]
Quad = npt.NDArray[np.float32]  # 4 x 2 corners: top-left, top-right, bottom-right, bottom-left

WORK_SIDE = 640  # long side of the picture the sheet is looked for in
MIN_AREA, MAX_AREA = 0.2, 0.97  # share of the frame a photographed sheet covers
LEVELS = 9  # brightness cuts tried besides Otsu's
STEP = 10.0  # grey levels a side must step by between inside and outside
HOLDS = 0.75  # share of a side's samples that must show that step, the same way
CANNY = (20, 40)  # hysteresis thresholds on the shrunk, blurred picture
EDGE_REGIONS = 3  # the largest regions enclosed by edges that are tried
REACH = 10  # pixels (on the picture of twice the working size) a side may move to its edge
INSET = 0.01  # corners drawn in by this share of the way to the middle before warping


def _order(pts: npt.NDArray[np.float32]) -> Quad:
    """Four points as top-left, top-right, bottom-right, bottom-left."""
    by_sum, by_diff = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.array(
        [
            pts[np.argmin(by_sum)],
            pts[np.argmin(by_diff)],
            pts[np.argmax(by_sum)],
            pts[np.argmax(by_diff)],
        ],
        np.float32,
    )


def _to_quad(contour: npt.NDArray[Any]) -> Quad | None:
    """The region's convex hull simplified to four corners, if it simplifies to four."""
    hull = cv2.convexHull(contour)
    length = cv2.arcLength(hull, closed=True)
    for eps in (0.02, 0.03, 0.045, 0.06):
        approx = cv2.approxPolyDP(hull, eps * length, closed=True)
        if len(approx) == 4:
            quad = _order(approx.reshape(4, 2).astype(np.float32))
            if len({tuple(p) for p in quad.tolist()}) == 4:
                return quad
            return None
        if len(approx) < 4:
            return None
    return None


def _region_quad(mask: Gray, frame: int) -> Quad | None:
    """The quadrilateral of the largest region of ``mask``, holes filled, if it is sheet-sized."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    biggest = max(contours, key=cv2.contourArea)
    if not MIN_AREA <= cv2.contourArea(biggest) / frame <= MAX_AREA:
        return None
    return _to_quad(biggest)


def _level_candidates(small: Gray) -> Iterator[Quad]:
    """Regions brighter than each of several levels (Otsu's and an even spread)."""
    otsu, _ = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    low, high = np.percentile(small, (3, 97))
    levels = {int(otsu), *(int(v) for v in np.linspace(low, high, LEVELS + 2)[1:-1])}
    for level in sorted(levels):
        mask: Gray = (small > level).astype(np.uint8) * 255
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
        quad = _region_quad(mask, small.size)
        if quad is not None:
            yield quad


def _edge_candidates(small: Gray) -> Iterator[Quad]:
    """The largest regions that edges enclose, alone and two together: an unevenly lit
    sheet on a light ground has no one level that separates it, but its border is a step
    wherever the light falls; a dark band across the sheet is a region of its own."""
    edges = cv2.dilate(cv2.Canny(small, *CANNY), np.ones((3, 3), np.uint8))
    _, labels, stats, _ = cv2.connectedComponentsWithStats(
        (edges == 0).astype(np.uint8), connectivity=4
    )
    order = np.argsort(stats[1:, cv2.CC_STAT_AREA])[::-1][:EDGE_REGIONS] + 1
    regions = [
        (labels == i).astype(np.uint8) * 255
        for i in order
        if stats[i, cv2.CC_STAT_AREA] >= 0.01 * small.size
    ]
    # two regions together: closing bridges the edge between them
    bridge = np.ones((9, 9), np.uint8)
    pairs = [
        cv2.morphologyEx(a | b, cv2.MORPH_CLOSE, bridge)
        for k, a in enumerate(regions)
        for b in regions[k + 1 :]
    ]
    for mask in regions + pairs:
        # opening cuts the thin necks by which the ground leaks into a region
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
        quad = _region_quad(mask, small.size)
        if quad is not None:
            yield quad


def side_steps(small: Gray, quad: Quad, *, samples: int = 48) -> list[float]:
    """For each side (top, right, bottom, left): the share of points along it where the
    picture steps by at least :data:`STEP` between just inside and just outside, counted
    the way most of them step (brighter inside, or darker)."""
    h, w = small.shape
    offset = max(2.0, 0.008 * max(h, w))
    centre = quad.mean(axis=0)
    shares = []
    t = np.linspace(0.08, 0.92, samples, dtype=np.float32)[:, None]
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        points = a + t * (b - a)
        normal = _outward(a, b, centre)
        inside = _sample(small, points - offset * normal)
        outside = _sample(small, points + offset * normal)
        diff = inside - outside
        bright = float(np.mean(diff >= STEP))
        dark = float(np.mean(diff <= -STEP))
        shares.append(max(bright, dark))
    return shares


def _sample(small: Gray, points: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    h, w = small.shape
    xs = np.clip(np.rint(points[:, 0]).astype(int), 0, w - 1)
    ys = np.clip(np.rint(points[:, 1]).astype(int), 0, h - 1)
    values: npt.NDArray[np.float64] = small[ys, xs].astype(np.float64)
    return values


def _outward(a: npt.NDArray[np.float32], b: npt.NDArray[np.float32], centre: Any) -> Any:
    """The unit normal of side ``a``-``b`` pointing away from ``centre``."""
    normal = np.array([b[1] - a[1], a[0] - b[0]], np.float32)
    normal /= max(float(np.linalg.norm(normal)), 1e-6)
    return normal if float(np.dot((a + b) / 2 - centre, normal)) >= 0 else -normal


def _refine(picture: Gray, quad: Quad, reach: int) -> Quad:
    """Each side moved onto the strongest step within ``reach`` pixels across it (a line
    fitted through those steps), the corners where the new sides meet: a filled-in region
    and its hull follow the blurred border only roughly."""
    centre = quad.mean(axis=0)
    offsets = np.arange(-reach, reach + 1, dtype=np.float32)
    t = np.linspace(0.1, 0.9, 40, dtype=np.float32)[:, None]
    lines = []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        normal = _outward(a, b, centre)
        points = a + t * (b - a)
        across = points[:, None, :] + offsets[None, :, None] * normal
        profile = cv2.remap(
            picture.astype(np.float32),
            across[..., 0].astype(np.float32),
            across[..., 1].astype(np.float32),
            cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REPLICATE,
        )
        step = np.diff(profile, axis=1)
        step *= np.sign(np.median(step.sum(axis=1)) or 1.0)  # the way the border steps
        moved = points + (offsets[np.argmax(step, axis=1)] + 0.5)[:, None] * normal
        vx, vy, x0, y0 = cv2.fitLine(moved, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        lines.append((np.array([x0, y0]), np.array([vx, vy])))
    corners = []
    for i in range(4):
        (p1, d1), (p2, d2) = lines[i - 1], lines[i]
        det = d1[0] * -d2[1] - d1[1] * -d2[0]
        if abs(det) < 1e-6:
            return quad
        s = ((p2 - p1)[0] * -d2[1] - (p2 - p1)[1] * -d2[0]) / det
        corners.append(p1 + s * d1)
    refined = np.array(corners, np.float32)
    if float(np.abs(refined - quad).max()) > 2 * reach:
        return quad  # the sides did not settle on one border: keep the region's corners
    return refined


def _area(quad: Quad) -> float:
    return float(cv2.contourArea(quad.reshape(-1, 1, 2)))


def find_sheet(gray: Gray) -> Quad | None:
    """Corners (top-left, top-right, bottom-right, bottom-left) of a photographed sheet in
    ``gray``, in its pixels, or None when the picture is not a sheet on a ground."""
    h, w = gray.shape
    scale = WORK_SIDE / max(h, w)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), 2.0)
    best: Quad | None = None
    for quad in (*_level_candidates(small), *_edge_candidates(small)):
        if min(side_steps(small, quad)) < HOLDS:
            continue
        if best is None or _area(quad) > _area(best) * 1.01:
            best = quad
    if best is None:
        return None
    # the sides are placed on a sharper picture twice the size
    fine_scale = min(1.0, 2 * scale)
    fine = cv2.resize(gray, None, fx=fine_scale, fy=fine_scale, interpolation=cv2.INTER_AREA)
    fine = cv2.GaussianBlur(fine, (0, 0), 1.0)
    refined = _refine(fine, best * (fine_scale / scale), REACH)
    corners: Quad = (refined / fine_scale).astype(np.float32)
    return corners


def warp_sheet(gray: Gray, quad: Quad, *, inset: float = INSET) -> Gray:
    """The sheet inside ``quad`` seen from straight above: a rectangle as long as its sides.

    The corners are first drawn towards the middle by ``inset`` of the way, so a sliver of
    ground that the found corners let in does not stay along an edge (a dark strip there
    reads as a line of ink to the orientation test); a page's margins are wider than that.
    """
    centre = quad.mean(axis=0)
    tl, tr, br, bl = quad + inset * (centre - quad)
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    target = np.array(
        [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32
    )
    m = cv2.getPerspectiveTransform(quad, target)
    return cv2.warpPerspective(gray, m, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)

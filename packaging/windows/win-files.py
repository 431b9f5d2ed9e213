#!/usr/bin/env python3
"""Reads Windows files from outside, for check-installer.sh (standard library only).

  win-files.py resources EXE ICO   the resources of a PE executable: the counts of RT_ICON,
                                   RT_GROUP_ICON and RT_VERSION, whether the icons are ICO's
                                   images, and the version resource's strings
  win-files.py lnk FILE            a shortcut's (.lnk, MS-SHLLINK) target, arguments, icon
"""

import struct
import sys

RT_NAMES = {3: "RT_ICON", 14: "RT_GROUP_ICON", 16: "RT_VERSION"}


def pe_resources(data):
    """{type id: [payload bytes]} from a PE file's resource directory."""
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe : pe + 4] != b"PE\0\0":
        raise SystemExit("not a PE file")
    sections, optional_size = struct.unpack_from("<H12xH", data, pe + 6)
    optional = pe + 24
    magic = struct.unpack_from("<H", data, optional)[0]
    directories = optional + (112 if magic == 0x20B else 96)
    rsrc_rva, _ = struct.unpack_from("<II", data, directories + 2 * 8)
    table = optional + optional_size
    spans = []
    for i in range(sections):
        vsize, vaddr, rawsize, rawptr = struct.unpack_from("<IIII", data, table + 40 * i + 8)
        spans.append((vaddr, max(vsize, rawsize), rawptr))

    def offset(rva):
        for vaddr, size, rawptr in spans:
            if vaddr <= rva < vaddr + size:
                return rawptr + rva - vaddr
        raise SystemExit(f"RVA {rva:#x} is in no section")

    base = offset(rsrc_rva)

    def entries(directory):
        named, ids = struct.unpack_from("<HH", data, base + directory + 12)
        for i in range(named + ids):
            yield struct.unpack_from("<II", data, base + directory + 16 + 8 * i)

    found = {}
    for type_id, type_dir in entries(0):
        for _, name_dir in entries(type_dir & 0x7FFFFFFF):
            for _, leaf in entries(name_dir & 0x7FFFFFFF):
                rva, size = struct.unpack_from("<II", data, base + leaf)
                payload = data[offset(rva) : offset(rva) + size]
                found.setdefault(type_id, []).append(payload)
    return found


def version_strings(block):
    """The strings of a VS_VERSIONINFO block (StringFileInfo), and the fixed file version."""
    strings = {}
    fixed = None

    def walk(at, end):
        nonlocal fixed
        while at + 6 <= end:
            length, value_length, kind = struct.unpack_from("<HHH", block, at)
            if length == 0:
                return
            key_end = at + 6
            while block[key_end : key_end + 2] != b"\0\0":
                key_end += 2
            key = block[at + 6 : key_end].decode("utf-16-le")
            value_at = (key_end + 2 + 3) & ~3
            if kind == 1:  # text: value_length counts UTF-16 characters
                text = block[value_at : value_at + 2 * value_length].decode("utf-16-le")
                if value_length:  # not a table of strings
                    strings[key] = text.rstrip("\0")
                value_end = value_at + 2 * value_length
            else:
                if key == "VS_VERSION_INFO" and value_length >= 16:
                    ms, ls = struct.unpack_from("<II", block, value_at + 8)
                    fixed = f"{ms >> 16}.{ms & 0xFFFF}.{ls >> 16}.{ls & 0xFFFF}"
                value_end = value_at + value_length
            walk((value_end + 3) & ~3, at + length)
            at = (at + length + 3) & ~3

    walk(0, len(block))
    return fixed, strings


def ico_images(data):
    count = struct.unpack_from("<H", data, 4)[0]
    images = []
    for i in range(count):
        size, at = struct.unpack_from("<II", data, 6 + 16 * i + 8)
        images.append(data[at : at + size])
    return images


def resources(exe, ico):
    data = open(exe, "rb").read()
    found = pe_resources(data)
    counts = ", ".join(f"{RT_NAMES.get(t, t)} x{len(p)}" for t, p in sorted(found.items()))
    print(f"resources: {counts}")
    icons = found.get(3, [])
    images = ico_images(open(ico, "rb").read())
    same = sorted(icons) == sorted(images)
    print(f"icon: {len(icons)} images, {'the same as' if same else 'NOT the same as'} "
          f"{ico}'s {len(images)}")
    for block in found.get(16, []):
        fixed, strings = version_strings(block)
        print(f"version: fixed {fixed}")
        for key, value in strings.items():
            print(f"version: {key}={value}")


def lnk(path):
    data = open(path, "rb").read()
    if struct.unpack_from("<I", data, 0)[0] != 0x4C:
        raise SystemExit("not a shell link")
    flags = struct.unpack_from("<I", data, 0x14)[0]
    at = 0x4C
    if flags & 0x1:  # HasLinkTargetIDList
        at += 2 + struct.unpack_from("<H", data, at)[0]
    target = None
    if flags & 0x2:  # HasLinkInfo: the local base path and the common suffix
        size, header, info_flags, _, base_at, _, suffix_at = struct.unpack_from("<7I", data, at)
        if info_flags & 0x1:
            def ansi(start):
                return data[start : data.index(b"\0", start)].decode("latin-1")

            target = ansi(at + base_at) + ansi(at + suffix_at)
        at += size
    unicode = flags & 0x80
    names = [(0x4, "name"), (0x8, "relative path"), (0x10, "working dir"),
             (0x20, "arguments"), (0x40, "icon")]
    print(f"target: {target}")
    for bit, name in names:
        if flags & bit:
            count = struct.unpack_from("<H", data, at)[0]
            width = 2 if unicode else 1
            raw = data[at + 2 : at + 2 + count * width]
            text = raw.decode("utf-16-le" if unicode else "latin-1").rstrip("\0")
            print(f"{name}: {text}")
            at += 2 + count * width


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "resources":
        resources(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "lnk":
        lnk(sys.argv[2])
    else:
        raise SystemExit(__doc__)

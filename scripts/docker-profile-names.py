#!/usr/bin/env python3
r"""The x86_64 calls a Docker seccomp profile (moby's profiles/seccomp/default.json)
allows a container with Docker's default capabilities, one per line, "args"
after those it allows only for some arguments.  To compare with the filter
measured on a live container (docs/filters/docker.list, scripts/docker-filters.sh):

  diff <(scripts/docker-profile-names.py default.json | cut -f1) \
       <(awk -F'\t' '$1 == "docker" && $3 == "ALLOW" && $2 !~ /^(\*|i386|other-arch|x86_64>=1024)$/ {print $2}' \
           docs/filters/docker.list | sort)
"""
import ctypes
import json
import sys

AUDIT_ARCH_X86_64 = 0xc000003e
# Docker's default capabilities (oci/caps/defaults.go)
CAPS = {'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD',
        'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP',
        'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE'}


def applies(rule):
    inc, exc = rule.get('includes') or {}, rule.get('excludes') or {}
    if inc.get('arches') and 'amd64' not in inc['arches']:
        return False
    if exc.get('arches') and 'amd64' in exc['arches']:
        return False
    if inc.get('caps') and not set(inc['caps']) <= CAPS:
        return False
    return not (exc.get('caps') and set(exc['caps']) & CAPS)


def main():
    lib = ctypes.CDLL('libseccomp.so.2')
    profile = json.load(open(sys.argv[1]))
    allowed = {}
    for rule in profile['syscalls']:
        if rule['action'] != 'SCMP_ACT_ALLOW' or not applies(rule):
            continue
        for name in rule['names']:
            # names of other architectures are not x86_64 calls
            if lib.seccomp_syscall_resolve_name_arch(AUDIT_ARCH_X86_64, name.encode()) >= 0:
                allowed[name] = allowed.get(name, '') or ('args' if rule.get('args') else '')
    for name in sorted(allowed):
        print(f"{name}\t{allowed[name]}".rstrip())


main()

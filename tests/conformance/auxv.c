/* The auxiliary vector set up by exec: the values static glibc and most
 * runtimes depend on. */
#include <elf.h>
#include <link.h>
#include <sys/auxv.h>
#include "check.h"

extern char _start[];

extern const ElfW(Ehdr) __ehdr_start;

int main(void)
{
	CHECK(getauxval(AT_PAGESZ) == 4096, "AT_PAGESZ %lu", getauxval(AT_PAGESZ));
	CHECK(getauxval(AT_ENTRY) == (unsigned long)_start, "AT_ENTRY %#lx, _start %p",
	      getauxval(AT_ENTRY), (void *)_start);

	/* AT_RANDOM: 16 readable bytes, not all zero. */
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	CHECK(rnd != NULL, "no AT_RANDOM");
	unsigned or = 0;
	for (int i = 0; i < 16; i++)
		or |= rnd[i];
	CHECK(or != 0, "AT_RANDOM bytes all zero");

	/* AT_PHDR/AT_PHNUM describe this executable: it has a PT_LOAD that
	 * covers _start. */
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)getauxval(AT_PHDR);
	unsigned long n = getauxval(AT_PHNUM);
	CHECK(ph != NULL && n > 0 && n < 100, "AT_PHDR %p AT_PHNUM %lu", (void *)ph, n);
	CHECK(getauxval(AT_PHENT) == sizeof(ElfW(Phdr)), "AT_PHENT");
	unsigned long bias = 0, entry = (unsigned long)_start; /* bias: static-pie */
	/* static-pie has no PT_PHDR: the ELF header starts the first segment */
	for (unsigned long i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0)
			bias = (unsigned long)&__ehdr_start - ph[i].p_vaddr;
	int covered = 0;
	for (unsigned long i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD && bias + ph[i].p_vaddr <= entry &&
		    entry < bias + ph[i].p_vaddr + ph[i].p_memsz)
			covered = 1;
	CHECK(covered, "no PT_LOAD covers the entry point");

	/* AT_SYSINFO_EHDR: the vDSO, an ELF image. */
	const unsigned char *vdso = (const unsigned char *)getauxval(AT_SYSINFO_EHDR);
	CHECK(vdso != NULL, "no AT_SYSINFO_EHDR");
	CHECK(memcmp(vdso, ELFMAG, SELFMAG) == 0, "vDSO is not ELF");

	CHECK(getauxval(AT_UID) == (unsigned long)getuid(), "AT_UID");
	CHECK(getauxval(AT_EGID) == (unsigned long)getegid(), "AT_EGID");
	CHECK(getauxval(AT_SECURE) == 0, "AT_SECURE set");
	return 0;
}

/* The stub blob, embedded in the cvisor binary (copied into memfds at start). */
	.section .rodata
	.balign 4096
	.globl stub_blob_start, stub_blob_end
stub_blob_start:
	.incbin STUB_BIN
stub_blob_end:
	.section .note.GNU-stack, "", @progbits

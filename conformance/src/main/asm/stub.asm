; pagelab's conformance stub: a Multiboot 1 kernel that QEMU starts with -kernel.
;
; Assembled by nasm alone (nasm -f bin): the ELF32 header below is written by hand, one
; PT_LOAD segment at 1 MiB, so no linker is needed. QEMU's Multiboot loader loads it, writes
; the Multiboot information structure (MBI) and jumps to _start in protected mode, paging off.
;
; Everything it says goes to COM1 (port 0x3F8), one line a fact, numbers in hex:
;
;   PAGELAB-STUB 1
;   CPUID <leaf 1 EDX> <highest extended leaf> <leaf 0x80000008 EAX, or 0>
;   MAGIC <EAX at entry>
;   MBI <EBX at entry>
;   MEM <paddr> <bytes> <hex dump>        the MBI, the mmap, the strings, the module records
;   IMAGE <first paddr> <end paddr>       what the stub occupies (code, data, stacks, buffers)
;   MODULE <start> <end>                  the parameter block, when there is one
;   END                                   then isa-debug-exit with 0 (QEMU exits with status 1)
;
; Without a module it stops after the MBI. With one, the module is a parameter block (all
; fields u32, little-endian; the Java writer is ParameterBlock):
;
;   block:   'PLPB' (0x42504C50), version 1, phase count, then the phases
;   phase:   cr0, cr3, cr4, table frame count F, tag range count T, access count A,
;            F x { paddr, 4096 bytes }            copied to paddr before paging is on
;            T x { paddr, frames }                each 32-bit word of those frames := its own paddr
;            A x { vaddr, op, value }             op: bits 2:0 size 1/2/4, bit 4 write, bit 5 CPL 3
;
; For each phase it prints PHASE <n>, copies the frames and fills the tags with paging off,
; loads CR3, CR4 and CR0 (PG and WP taken from the block), performs the accesses in order and
; prints for each one either
;   A <index> <value read, or 0 for a write>
;   F <index> <CR2> <error code>           a page fault, which the #PF handler records and skips
; then DONE <n>, and waits (paging still on, so that the host can inspect the CPU through QEMU's
; monitor) until the host sends one byte over COM1. Then paging goes off and the next phase
; starts. After the last phase: END, and exit.
;
; Anything unexpected (another exception, a bad block, a frame that would overwrite the stub
; or the block) prints ERROR ... and exits with 1 (QEMU exits with status 3).
;
; The stub runs at its physical addresses: the tables loaded in a phase must map every page
; of [IMAGE first, IMAGE end) to itself, user-accessible and writable (its CPL 3 accesses run
; code from there).

bits 32
org 0x100000

LOAD_PADDR      equ 0x100000
COM1            equ 0x3F8
DEBUG_EXIT      equ 0xF4
PB_MAGIC        equ 0x42504C50
PB_VERSION      equ 1
MAX_ACCESSES    equ 4096
CR0_WP          equ 1 << 16
CR0_PG          equ 1 << 31
SEL_CODE0       equ 0x08
SEL_DATA0       equ 0x10
SEL_CODE3       equ 0x18 | 3
SEL_DATA3       equ 0x20 | 3
SEL_TSS         equ 0x28
OP_WRITE        equ 1 << 4
OP_USER         equ 1 << 5
VEC_RETURN      equ 0x30

; ------------------------------------------------------------------ ELF32 header
elf_header:
    db 0x7F, "ELF", 1, 1, 1, 0          ; ELFCLASS32, little-endian, version 1, System V
    times 8 db 0
    dw 2                                ; ET_EXEC
    dw 3                                ; EM_386
    dd 1                                ; EV_CURRENT
    dd _start                           ; e_entry
    dd program_header - elf_header      ; e_phoff
    dd 0                                ; e_shoff: no sections
    dd 0                                ; e_flags
    dw 52                               ; e_ehsize
    dw 32                               ; e_phentsize
    dw 1                                ; e_phnum
    dw 40                               ; e_shentsize
    dw 0                                ; e_shnum
    dw 0                                ; e_shstrndx
program_header:
    dd 1                                ; PT_LOAD
    dd 0                                ; p_offset: the whole file
    dd LOAD_PADDR                       ; p_vaddr
    dd LOAD_PADDR                       ; p_paddr
    dd file_end - LOAD_PADDR            ; p_filesz
    dd image_end - LOAD_PADDR           ; p_memsz
    dd 7                                ; PF_R | PF_W | PF_X
    dd 0x1000                           ; p_align

; ------------------------------------------------------------------ Multiboot 1 header
align 4
multiboot_header:
    dd 0x1BADB002                       ; magic
    dd 0x00000003                       ; modules page aligned, memory information wanted
    dd -(0x1BADB002 + 0x00000003)       ; checksum

; ------------------------------------------------------------------ entry
_start:
    cli
    mov esp, stack_top
    mov [entry_eax], eax
    mov [entry_ebx], ebx
    lgdt [gdt_pointer]
    jmp SEL_CODE0:.reload
.reload:
    mov ax, SEL_DATA0
    mov ss, ax
    mov ax, SEL_DATA3                   ; flat and DPL 3: valid at CPL 0 and after an IRET to CPL 3
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    call build_idt
    lidt [idt_pointer]
    mov dword [tss + 4], tss_stack_top  ; ESP0: CPL 3 -> 0 switches land on their own stack
    mov dword [tss + 8], SEL_DATA0      ; SS0
    mov word [tss + 102], 104           ; no I/O permission bitmap
    mov eax, tss
    mov [tss_descriptor + 2], ax
    shr eax, 16
    mov [tss_descriptor + 4], al
    mov [tss_descriptor + 7], ah
    mov ax, SEL_TSS
    ltr ax

    mov esi, banner
    call print
    call report_cpuid
    mov esi, text_magic
    mov eax, [entry_eax]
    call print_labelled
    mov esi, text_mbi
    mov eax, [entry_ebx]
    call print_labelled
    call report_mbi
    mov esi, text_image
    call print
    mov eax, LOAD_PADDR
    call print_hex
    call print_space
    mov eax, image_end
    call print_hex
    call print_newline

    mov ebx, [entry_ebx]
    test dword [ebx], 1 << 3            ; no modules: the MBI was all
    jz .end
    cmp dword [ebx + 20], 0
    je .end
    mov edi, [ebx + 24]
    mov eax, [edi]
    mov [module_start], eax
    mov eax, [edi + 4]
    mov [module_end], eax
    mov esi, text_module
    call print
    mov eax, [module_start]
    call print_hex
    call print_space
    mov eax, [module_end]
    call print_hex
    call print_newline
    call run_block
.end:
    mov esi, text_end
    call print
    xor eax, eax
    jmp exit

; exit with AL: QEMU's isa-debug-exit ends the run with status (AL << 1) | 1
exit:
    mov dx, DEBUG_EXIT
    out dx, al
.halt:
    hlt
    jmp .halt

fail:                                   ; ESI: the message after "ERROR "
    push esi
    mov esi, text_error
    call print
    pop esi
    call print
    call print_newline
    mov al, 1
    jmp exit

; ------------------------------------------------------------------ the MBI
report_cpuid:
    mov esi, text_cpuid
    call print
    mov eax, 1
    cpuid
    mov eax, edx
    call print_hex
    call print_space
    mov eax, 0x80000000
    cpuid
    mov ebx, eax
    call print_hex
    call print_space
    xor eax, eax
    cmp ebx, 0x80000008
    jb .no_width
    mov eax, 0x80000008
    cpuid
.no_width:
    call print_hex
    jmp print_newline

report_mbi:
    mov ebx, [entry_ebx]
    mov esi, ebx
    mov ecx, 116                        ; the whole 0.6.96 structure
    call dump
    mov eax, [ebx]
    test eax, 1 << 2
    jz .no_cmdline
    mov esi, [ebx + 16]
    call dump_string
.no_cmdline:
    test eax, 1 << 9
    jz .no_name
    mov esi, [ebx + 64]
    call dump_string
.no_name:
    test eax, 1 << 6
    jz .no_mmap
    mov esi, [ebx + 48]
    mov ecx, [ebx + 44]
    call dump
.no_mmap:
    test eax, 1 << 3
    jz .done
    mov ecx, [ebx + 20]
    jecxz .done
    mov esi, [ebx + 24]
    shl ecx, 4
    call dump
    mov edi, [ebx + 24]
    mov ecx, [ebx + 20]
.module:
    mov esi, [edi + 8]
    test esi, esi
    jz .next
    call dump_string
.next:
    add edi, 16
    loop .module
.done:
    ret

dump_string:                            ; ESI: a NUL-terminated string, dumped with its NUL
    push eax
    push ecx
    mov ecx, esi
.scan:
    cmp byte [ecx], 0
    je .found
    inc ecx
    jmp .scan
.found:
    sub ecx, esi
    inc ecx
    call dump
    pop ecx
    pop eax
    ret

dump:                                   ; "MEM <ESI> <ECX> <bytes>": ECX bytes from ESI
    pushad
    push esi
    mov esi, text_mem
    call print
    pop esi
    mov eax, esi
    call print_hex
    call print_space
    mov eax, ecx
    call print_hex
    call print_space
    jecxz .done
.byte:
    lodsb
    call print_hex_byte
    loop .byte
.done:
    call print_newline
    popad
    ret

; ------------------------------------------------------------------ the parameter block
run_block:
    mov esi, [module_start]
    cmp dword [esi], PB_MAGIC
    jne .bad_magic
    cmp dword [esi + 4], PB_VERSION
    jne .bad_version
    mov eax, [esi + 8]
    mov [phase_count], eax
    add esi, 12
    mov dword [phase_index], 0
.phase:
    mov eax, [phase_index]
    cmp eax, [phase_count]
    jae .done
    call run_phase
    inc dword [phase_index]
    jmp .phase
.done:
    ret
.bad_magic:
    mov esi, text_bad_magic
    jmp fail
.bad_version:
    mov esi, text_bad_version
    jmp fail

; ESI: the phase; returns ESI after it
run_phase:
    push esi
    mov esi, text_phase
    call print
    mov eax, [phase_index]
    call print_hex
    call print_newline
    pop esi
    mov eax, [esi]
    mov [phase_cr0], eax
    mov eax, [esi + 4]
    mov [phase_cr3], eax
    mov eax, [esi + 8]
    mov [phase_cr4], eax
    mov eax, [esi + 20]
    cmp eax, MAX_ACCESSES
    ja .too_many
    mov [access_count], eax
    mov ebx, [esi + 12]                 ; frames
    mov edx, [esi + 16]                 ; tag ranges
    add esi, 24
.frame:
    test ebx, ebx
    jz .tags
    lodsd
    mov edi, eax
    mov ecx, 4096
    call check_target
    mov ecx, 1024
    rep movsd
    dec ebx
    jmp .frame
.tags:
    test edx, edx
    jz .accesses
    lodsd
    mov edi, eax
    lodsd
    mov ecx, eax
    shl ecx, 12
    call check_target
    shr ecx, 2
    mov eax, edi
.tag:
    stosd
    add eax, 4
    loop .tag
    dec edx
    jmp .tags
.accesses:
    mov ecx, [access_count]
    lea ecx, [ecx + ecx * 2]
    mov edi, access_list
    rep movsd
    push esi

    mov eax, [phase_cr3]
    mov cr3, eax
    mov eax, [phase_cr4]
    mov cr4, eax
    mov eax, cr0
    and eax, ~(CR0_PG | CR0_WP)
    mov ebx, [phase_cr0]
    and ebx, CR0_PG | CR0_WP
    or eax, ebx
    mov cr0, eax

    mov dword [access_index], 0
.access:
    mov eax, [access_index]
    cmp eax, [access_count]
    jae .accessed
    call run_access
    inc dword [access_index]
    jmp .access
.accessed:
    mov esi, text_done
    call print
    mov eax, [phase_index]
    call print_hex
    call print_newline
    call wait_for_host
    mov eax, cr0
    and eax, ~CR0_PG
    mov cr0, eax
    xor eax, eax
    mov cr4, eax
    pop esi
    ret
.too_many:
    mov esi, text_too_many
    jmp fail

; EDI: a physical range of ECX bytes about to be written; it must not touch the stub or the block
check_target:
    push eax
    mov eax, edi
    add eax, ecx
    cmp edi, image_end
    jae .not_image
    cmp eax, LOAD_PADDR
    ja .overlap
.not_image:
    cmp edi, [module_end]
    jae .ok
    cmp eax, [module_start]
    ja .overlap
.ok:
    pop eax
    ret
.overlap:
    mov esi, text_overlap
    jmp fail

; one access from access_list[access_index]
run_access:
    mov ebx, [access_index]
    lea ebx, [ebx + ebx * 2]
    lea ebx, [access_list + ebx * 4]
    mov esi, [ebx]                      ; vaddr
    mov edx, [ebx + 8]                  ; value to write
    mov eax, [ebx + 4]                  ; op
    mov ecx, eax
    and ecx, 7
    test eax, OP_WRITE
    jz .read
    add ecx, 8
.read:
    mov ecx, [variants + ecx * 4]
    test ecx, ecx
    jz .bad_op
    mov [resume_esp], esp
    test eax, OP_USER
    jnz .user
    jmp ecx
.user:
    push SEL_DATA3                      ; SS
    push 0                              ; ESP: the access never touches the user stack
    pushfd
    push SEL_CODE3                      ; CS
    push ecx                            ; EIP
    iretd
.bad_op:
    mov esi, text_bad_op
    jmp fail

; Back from an access that completed, through INT 0x30: EAX = the value read
access_done:
    mov esp, [resume_esp]
    push eax
    mov esi, text_access
    call print
    mov eax, [access_index]
    call print_hex
    call print_space
    pop eax
    call print_hex
    jmp print_newline

; Back from an access that faulted: EAX = CR2, ECX = error code
access_faulted:
    mov esp, [resume_esp]
    push ecx
    push eax
    mov esi, text_fault
    call print
    mov eax, [access_index]
    call print_hex
    call print_space
    pop eax
    call print_hex
    call print_space
    pop eax
    call print_hex
    jmp print_newline

wait_for_host:
    mov dx, COM1 + 5
.poll:
    in al, dx
    test al, 1
    jz .poll
    mov dx, COM1
    in al, dx
    ret

; ------------------------------------------------------------------ the accesses
; Each runs at CPL 0 (a jump) or CPL 3 (an IRET) with ESI = vaddr, EDX = value, and comes back
; through INT 0x30 (a DPL 3 gate), or through the #PF handler when it faults.
align 16
access_code:
read1:
    movzx eax, byte [esi]
    int VEC_RETURN
read2:
    movzx eax, word [esi]
    int VEC_RETURN
read4:
    mov eax, [esi]
    int VEC_RETURN
write1:
    mov [esi], dl
    xor eax, eax
    int VEC_RETURN
write2:
    mov [esi], dx
    xor eax, eax
    int VEC_RETURN
write4:
    mov [esi], edx
    xor eax, eax
    int VEC_RETURN
access_code_end:

variants:
    dd 0, read1, read2, 0, read4, 0, 0, 0
    dd 0, write1, write2, 0, write4, 0, 0, 0

; ------------------------------------------------------------------ interrupts
return_handler:                         ; INT 0x30 from an access
    mov ecx, [esp]                      ; EIP after the INT
    cmp ecx, access_code
    jb unexpected_return
    cmp ecx, access_code_end
    ja unexpected_return
    jmp access_done

page_fault_handler:                     ; #PF: error code, EIP, CS, EFLAGS (ESP, SS)
    mov ecx, [esp + 4]
    cmp ecx, access_code
    jb unexpected_page_fault
    cmp ecx, access_code_end
    jae unexpected_page_fault
    mov ecx, [esp]
    mov eax, cr2
    jmp access_faulted

unexpected_page_fault:
    push dword 14
    jmp unexpected_exception

unexpected_return:
    mov esi, text_unexpected_int
    jmp fail

; Every other exception, and a #PF outside an access:
;   ERROR exception <vector> <CR2> <the two words on top of the stack: EIP and CS, or error code and EIP>
%macro exception 1
exception_%1:
    push dword %1
    jmp unexpected_exception
%endmacro
%assign v 0
%rep 32
    exception v
%assign v v + 1
%endrep

unexpected_exception:
    mov esi, text_exception
    call print
    pop eax
    call print_hex
    call print_space
    mov eax, cr2
    call print_hex
    call print_space
    mov eax, [esp]
    call print_hex
    call print_space
    mov eax, [esp + 4]
    call print_hex
    call print_newline
    mov al, 1
    jmp exit

exception_table:
%assign v 0
%rep 32
    dd exception_ %+ v
%assign v v + 1
%endrep

build_idt:
    mov edi, idt
    xor ecx, ecx
.entry:
    mov eax, [exception_table + ecx * 4]
    mov ebx, 0x8E00                     ; present, DPL 0, 32-bit interrupt gate
    cmp ecx, 14
    jne .set
    mov eax, page_fault_handler
.set:
    call set_gate
    inc ecx
    cmp ecx, 32
    jb .entry
    mov ecx, VEC_RETURN
    mov eax, return_handler
    mov ebx, 0xEE00                     ; present, DPL 3: INT 0x30 is allowed at CPL 3
    ; fall through
set_gate:                               ; ECX: vector, EAX: handler, EBX: type and DPL
    lea edx, [idt + ecx * 8]
    mov [edx], ax
    mov word [edx + 2], SEL_CODE0
    mov [edx + 4], bx
    shr eax, 16
    mov [edx + 6], ax
    ret

; ------------------------------------------------------------------ serial output
print:                                  ; ESI: NUL-terminated text
    push eax
.next:
    lodsb
    test al, al
    jz .done
    call print_char
    jmp .next
.done:
    pop eax
    ret

print_char:                             ; AL
    push edx
    push eax
    mov dx, COM1 + 5
.wait:
    in al, dx
    test al, 0x20                       ; transmitter holding register empty
    jz .wait
    pop eax
    mov dx, COM1
    out dx, al
    pop edx
    ret

print_space:
    push eax
    mov al, ' '
    call print_char
    pop eax
    ret

print_newline:
    push eax
    mov al, 10
    call print_char
    pop eax
    ret

print_labelled:                         ; ESI: label, EAX: value, then a newline
    call print
    call print_hex
    jmp print_newline

print_hex:                              ; EAX as eight hex digits
    push ecx
    mov ecx, 4
.byte:
    rol eax, 8
    call print_hex_byte
    loop .byte
    pop ecx
    ret

print_hex_byte:                         ; AL as two hex digits
    push eax
    push eax
    shr al, 4
    call print_hex_digit
    pop eax
    call print_hex_digit
    pop eax
    ret

print_hex_digit:                        ; the low 4 bits of AL
    and al, 15
    add al, '0'
    cmp al, '9'
    jbe .out
    add al, 'A' - '9' - 1
.out:
    jmp print_char

; ------------------------------------------------------------------ data
banner              db "PAGELAB-STUB 1", 10, 0
text_cpuid          db "CPUID ", 0
text_magic          db "MAGIC ", 0
text_mbi            db "MBI ", 0
text_mem            db "MEM ", 0
text_image          db "IMAGE ", 0
text_module         db "MODULE ", 0
text_phase          db "PHASE ", 0
text_done           db "DONE ", 0
text_access         db "A ", 0
text_fault          db "F ", 0
text_end            db "END", 10, 0
text_error          db "ERROR ", 0
text_bad_magic      db "parameter block: no PLPB magic", 0
text_bad_version    db "parameter block: not version 1", 0
text_too_many       db "parameter block: too many accesses in a phase", 0
text_overlap        db "parameter block: a frame overlaps the stub or the block", 0
text_bad_op         db "parameter block: bad access size", 0
text_unexpected_int db "INT 0x30 outside an access", 0
text_exception      db "ERROR exception ", 0

align 8
gdt:
    dq 0
    dq 0x00CF9A000000FFFF               ; 0x08: code, DPL 0, flat
    dq 0x00CF92000000FFFF               ; 0x10: data, DPL 0, flat
    dq 0x00CFFA000000FFFF               ; 0x18: code, DPL 3, flat
    dq 0x00CFF2000000FFFF               ; 0x20: data, DPL 3, flat
tss_descriptor:                         ; 0x28: 32-bit TSS, 104 bytes; the base is set at entry
    dw 103
    dw 0
    db 0
    db 0x89
    db 0
    db 0
gdt_end:

gdt_pointer:
    dw gdt_end - gdt - 1
    dd gdt

idt_pointer:
    dw 256 * 8 - 1
    dd idt

file_end:

; ------------------------------------------------------------------ not in the file
absolute file_end
alignb 16
entry_eax       resd 1
entry_ebx       resd 1
module_start    resd 1
module_end      resd 1
phase_count     resd 1
phase_index     resd 1
phase_cr0       resd 1
phase_cr3       resd 1
phase_cr4       resd 1
access_count    resd 1
access_index    resd 1
resume_esp      resd 1
alignb 16
tss             resb 104
alignb 8
idt             resb 256 * 8
alignb 16
                resb 4096
tss_stack_top:
                resb 8192
stack_top:
access_list     resb MAX_ACCESSES * 12
alignb 4096
image_end:

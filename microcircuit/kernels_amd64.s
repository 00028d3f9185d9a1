//go:build amd64 && !purego

#include "textflag.h"

// Every inner loop starts at a 32-byte boundary (PCALIGN), so that its
// speed does not depend on where the linker happens to place the kernel.

// Constants, four copies each, for 256-bit operands. The exponential's are
// those of math.Exp's amd64 routine (math/exp_amd64.s), as bit patterns.
DATA expc<>+0(SB)/8, $0x3ff71547652b82fe   // log2(e)
DATA expc<>+8(SB)/8, $0x3ff71547652b82fe
DATA expc<>+16(SB)/8, $0x3ff71547652b82fe
DATA expc<>+24(SB)/8, $0x3ff71547652b82fe
DATA expc<>+32(SB)/8, $0x3fe62e42fefa3000  // ln 2, upper part
DATA expc<>+40(SB)/8, $0x3fe62e42fefa3000
DATA expc<>+48(SB)/8, $0x3fe62e42fefa3000
DATA expc<>+56(SB)/8, $0x3fe62e42fefa3000
DATA expc<>+64(SB)/8, $0x3d53de6af278ece6  // ln 2, lower part
DATA expc<>+72(SB)/8, $0x3d53de6af278ece6
DATA expc<>+80(SB)/8, $0x3d53de6af278ece6
DATA expc<>+88(SB)/8, $0x3d53de6af278ece6
DATA expc<>+96(SB)/8, $0x3fb0000000000000  // 1/16
DATA expc<>+104(SB)/8, $0x3fb0000000000000
DATA expc<>+112(SB)/8, $0x3fb0000000000000
DATA expc<>+120(SB)/8, $0x3fb0000000000000
DATA expc<>+128(SB)/8, $0x3efa01a01a01a01a // 1/8!
DATA expc<>+136(SB)/8, $0x3efa01a01a01a01a
DATA expc<>+144(SB)/8, $0x3efa01a01a01a01a
DATA expc<>+152(SB)/8, $0x3efa01a01a01a01a
DATA expc<>+160(SB)/8, $0x3f2a01a01a01a01a // 1/7!
DATA expc<>+168(SB)/8, $0x3f2a01a01a01a01a
DATA expc<>+176(SB)/8, $0x3f2a01a01a01a01a
DATA expc<>+184(SB)/8, $0x3f2a01a01a01a01a
DATA expc<>+192(SB)/8, $0x3f56c16c16c16c17 // 1/6!
DATA expc<>+200(SB)/8, $0x3f56c16c16c16c17
DATA expc<>+208(SB)/8, $0x3f56c16c16c16c17
DATA expc<>+216(SB)/8, $0x3f56c16c16c16c17
DATA expc<>+224(SB)/8, $0x3f81111111111111 // 1/5!
DATA expc<>+232(SB)/8, $0x3f81111111111111
DATA expc<>+240(SB)/8, $0x3f81111111111111
DATA expc<>+248(SB)/8, $0x3f81111111111111
DATA expc<>+256(SB)/8, $0x3fa5555555555555 // 1/4!
DATA expc<>+264(SB)/8, $0x3fa5555555555555
DATA expc<>+272(SB)/8, $0x3fa5555555555555
DATA expc<>+280(SB)/8, $0x3fa5555555555555
DATA expc<>+288(SB)/8, $0x3fc5555555555555 // 1/3!
DATA expc<>+296(SB)/8, $0x3fc5555555555555
DATA expc<>+304(SB)/8, $0x3fc5555555555555
DATA expc<>+312(SB)/8, $0x3fc5555555555555
DATA expc<>+320(SB)/8, $0x3fe0000000000000 // 1/2
DATA expc<>+328(SB)/8, $0x3fe0000000000000
DATA expc<>+336(SB)/8, $0x3fe0000000000000
DATA expc<>+344(SB)/8, $0x3fe0000000000000
DATA expc<>+352(SB)/8, $0x3ff0000000000000 // 1
DATA expc<>+360(SB)/8, $0x3ff0000000000000
DATA expc<>+368(SB)/8, $0x3ff0000000000000
DATA expc<>+376(SB)/8, $0x3ff0000000000000
DATA expc<>+384(SB)/8, $0x4000000000000000 // 2
DATA expc<>+392(SB)/8, $0x4000000000000000
DATA expc<>+400(SB)/8, $0x4000000000000000
DATA expc<>+408(SB)/8, $0x4000000000000000
DATA expc<>+416(SB)/4, $1023               // exponent bias, four int32
DATA expc<>+420(SB)/4, $1023
DATA expc<>+424(SB)/4, $1023
DATA expc<>+428(SB)/4, $1023
DATA expc<>+448(SB)/8, $0x7fffffffffffffff // mask of |x|
DATA expc<>+456(SB)/8, $0x7fffffffffffffff
DATA expc<>+464(SB)/8, $0x7fffffffffffffff
DATA expc<>+472(SB)/8, $0x7fffffffffffffff
DATA expc<>+480(SB)/8, $0x4085e00000000000 // 700
DATA expc<>+488(SB)/8, $0x4085e00000000000
DATA expc<>+496(SB)/8, $0x4085e00000000000
DATA expc<>+504(SB)/8, $0x4085e00000000000
GLOBL expc<>(SB), RODATA|NOPTR, $512

// tailmask<>+32·t selects the first t of four lanes (t = 1, 2, 3).
DATA tailmask<>+0(SB)/8, $0
DATA tailmask<>+8(SB)/8, $0
DATA tailmask<>+16(SB)/8, $0
DATA tailmask<>+24(SB)/8, $0
DATA tailmask<>+32(SB)/8, $-1
DATA tailmask<>+40(SB)/8, $0
DATA tailmask<>+48(SB)/8, $0
DATA tailmask<>+56(SB)/8, $0
DATA tailmask<>+64(SB)/8, $-1
DATA tailmask<>+72(SB)/8, $-1
DATA tailmask<>+80(SB)/8, $0
DATA tailmask<>+88(SB)/8, $0
DATA tailmask<>+96(SB)/8, $-1
DATA tailmask<>+104(SB)/8, $-1
DATA tailmask<>+112(SB)/8, $-1
DATA tailmask<>+120(SB)/8, $0
GLOBL tailmask<>(SB), RODATA|NOPTR, $128

// func logisticAVX2(dst, x, r *float64, n int, s float64) bool
//
// dst[i] = 1/(1+exp(s·x[i])), or r[i] - 1/(1+exp(s·x[i])) if r is not
// nil, for n >= 1, four at a time and the last n%4 in a masked block. The exponential runs the FMA path of
// math/exp_amd64.s operation by operation on four lanes. It reports
// whether every |s·x[i]| <= 700, where that routine's result is a normal
// number and its special cases do not arise; if not, dst holds garbage.
TEXT ·logisticAVX2(SB), NOSPLIT, $0-41
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         r+16(FP), R10
	MOVQ         n+24(FP), CX
	VBROADCASTSD s+32(FP), Y15
	VMOVUPD      expc<>+352(SB), Y14 // 1
	VMOVUPD      expc<>+384(SB), Y13 // 2
	VXORPD       Y12, Y12, Y12       // lanes out of range
	MOVQ         CX, R8
	ANDQ         $3, R8              // lanes of the masked block
	SHRQ         $2, CX
	XORQ         R9, R9              // 1 in the masked block

	PCALIGN $32
logloop:
	TESTQ        CX, CX
	JZ           logtail
	VMULPD       (SI), Y15, Y0 // v = s·x

logbody:
	VANDPD       expc<>+448(SB), Y0, Y5
	VCMPPD       $0x16, expc<>+480(SB), Y5, Y5 // !(|v| <= 700)
	VORPD        Y5, Y12, Y12
	VMULPD       expc<>+0(SB), Y0, Y1
	VCVTPD2DQY   Y1, X2        // k = round(v·log2(e))
	VCVTDQ2PD    X2, Y1
	VFNMADD231PD expc<>+32(SB), Y1, Y0 // v -= k·ln2 (upper), fused
	VFNMADD231PD expc<>+64(SB), Y1, Y0 // v -= k·ln2 (lower), fused
	VMULPD       expc<>+96(SB), Y0, Y0 // r = v/16
	VMOVUPD      expc<>+128(SB), Y3
	VFMADD213PD  expc<>+160(SB), Y0, Y3
	VFMADD213PD  expc<>+192(SB), Y0, Y3
	VFMADD213PD  expc<>+224(SB), Y0, Y3
	VFMADD213PD  expc<>+256(SB), Y0, Y3
	VFMADD213PD  expc<>+288(SB), Y0, Y3
	VFMADD213PD  expc<>+320(SB), Y0, Y3
	VFMADD213PD  Y14, Y0, Y3
	VMULPD       Y3, Y0, Y0    // r·p
	VADDPD       Y13, Y0, Y3   // four squarings of (1+r·p) - 1
	VMULPD       Y3, Y0, Y0
	VADDPD       Y13, Y0, Y3
	VMULPD       Y3, Y0, Y0
	VADDPD       Y13, Y0, Y3
	VMULPD       Y3, Y0, Y0
	VADDPD       Y13, Y0, Y3
	VFMADD213PD  Y14, Y3, Y0   // + 1, fused
	VPADDD       expc<>+416(SB), X2, X2
	VPMOVZXDQ    X2, Y2
	VPSLLQ       $52, Y2, Y2   // 2^k
	VMULPD       Y2, Y0, Y0    // exp(v)
	VADDPD       Y14, Y0, Y0
	VDIVPD       Y0, Y14, Y0   // 1/(1+exp(v))
	TESTQ        R9, R9
	JNZ          logtailstore
	TESTQ        R10, R10
	JZ           logstore
	VMOVUPD      (R10), Y1
	VSUBPD       Y0, Y1, Y0    // r - 1/(1+exp(v))
	ADDQ         $32, R10

logstore:
	VMOVUPD      Y0, (DI)
	ADDQ         $32, SI
	ADDQ         $32, DI
	DECQ         CX
	JMP          logloop

logtail:
	TESTQ        R8, R8
	JZ           logdone
	SHLQ         $5, R8
	LEAQ         tailmask<>(SB), AX
	VMOVUPD      (AX)(R8*1), Y11
	VMASKMOVPD   (SI), Y11, Y0
	VMULPD       Y0, Y15, Y0
	MOVQ         $1, R9
	JMP          logbody

logtailstore:
	TESTQ        R10, R10
	JZ           logtailput
	VMASKMOVPD   (R10), Y11, Y1
	VSUBPD       Y0, Y1, Y0

logtailput:
	VMASKMOVPD   Y0, Y11, (DI)

logdone:
	VMOVMSKPD Y12, AX
	TESTL     AX, AX
	SETEQ     ret+40(FP)
	VZEROUPPER
	RET

// func breveAVX2(dst, u, uOld, tau *float64, n int, dt float64)
//
// dst[i] = uOld[i] + tau[i]·(u[i] - uOld[i])/dt, then uOld[i] = u[i].
TEXT ·breveAVX2(SB), NOSPLIT, $0-48
	MOVQ         dst+0(FP), DI
	MOVQ         u+8(FP), SI
	MOVQ         uOld+16(FP), DX
	MOVQ         tau+24(FP), R8
	MOVQ         n+32(FP), CX
	VBROADCASTSD dt+40(FP), Y15
	XORQ         AX, AX
	MOVQ         CX, R9
	ANDQ         $-4, R9
	SHLQ         $3, R9
	SHLQ         $3, CX

	PCALIGN $32
brevecols:
	CMPQ    AX, R9
	JGE     brevetail
	VMOVUPD (SI)(AX*1), Y0 // u
	VMOVUPD (DX)(AX*1), Y1 // uOld
	VSUBPD  Y1, Y0, Y2
	VMULPD  (R8)(AX*1), Y2, Y2
	VDIVPD  Y15, Y2, Y2
	VADDPD  Y2, Y1, Y2
	VMOVUPD Y2, (DI)(AX*1)
	VMOVUPD Y0, (DX)(AX*1)
	ADDQ    $32, AX
	JMP     brevecols

brevetail:
	CMPQ   AX, CX
	JGE    brevedone
	VMOVSD (SI)(AX*1), X0
	VMOVSD (DX)(AX*1), X1
	VSUBSD X1, X0, X2
	VMULSD (R8)(AX*1), X2, X2
	VDIVSD X15, X2, X2
	VADDSD X2, X1, X2
	VMOVSD X2, (DI)(AX*1)
	VMOVSD X0, (DX)(AX*1)
	ADDQ   $8, AX
	JMP    brevetail

brevedone:
	VZEROUPPER
	RET

// func somaAVX2(u, p, q *float64, n int, dt, t, g1, g2 float64)
//
// u[i] += dt·(t·(g1·p[i] + g2·q[i]) - u[i])/t.
TEXT ·somaAVX2(SB), NOSPLIT, $0-64
	MOVQ         u+0(FP), DI
	MOVQ         p+8(FP), SI
	MOVQ         q+16(FP), DX
	MOVQ         n+24(FP), CX
	VBROADCASTSD dt+32(FP), Y15
	VBROADCASTSD t+40(FP), Y14
	VBROADCASTSD g1+48(FP), Y13
	VBROADCASTSD g2+56(FP), Y12
	XORQ         AX, AX
	MOVQ         CX, R9
	ANDQ         $-4, R9
	SHLQ         $3, R9
	SHLQ         $3, CX

	PCALIGN $32
somacols:
	CMPQ    AX, R9
	JGE     somatail
	VMULPD  (SI)(AX*1), Y13, Y0 // g1·p
	VMULPD  (DX)(AX*1), Y12, Y1 // g2·q
	VADDPD  Y1, Y0, Y0
	VMULPD  Y0, Y14, Y0         // t·(…)
	VMOVUPD (DI)(AX*1), Y2      // u
	VSUBPD  Y2, Y0, Y0
	VMULPD  Y0, Y15, Y0         // dt·(…)
	VDIVPD  Y14, Y0, Y0         // /t
	VADDPD  Y0, Y2, Y0
	VMOVUPD Y0, (DI)(AX*1)
	ADDQ    $32, AX
	JMP     somacols

somatail:
	CMPQ   AX, CX
	JGE    somadone
	VMULSD (SI)(AX*1), X13, X0
	VMULSD (DX)(AX*1), X12, X1
	VADDSD X1, X0, X0
	VMULSD X0, X14, X0
	VMOVSD (DI)(AX*1), X2
	VSUBSD X2, X0, X0
	VMULSD X0, X15, X0
	VDIVSD X14, X0, X0
	VADDSD X0, X2, X0
	VMOVSD X0, (DI)(AX*1)
	ADDQ   $8, AX
	JMP    somatail

somadone:
	VZEROUPPER
	RET

// func gemvAVX2(dst, a *float64, rows, cols int, x *float64)
//
// dst = a·x for a row-major rows×cols matrix a, cols >= 1. Each row is
// summed in four lanes of fused multiply-adds over blocks of four columns
// (a masked block for the last cols%4), then across lanes: the rows of
// the first rows&^3 in the order (lane 0 + lane 1) + (lane 2 + lane 3),
// eight or four at a time, the last rows%4 one at a time, in the order
// (lane 0 + lane 2) + (lane 1 + lane 3). Eight rows at a time keep eight
// chains of fused multiply-adds in flight, which hides their latency.
TEXT ·gemvAVX2(SB), NOSPLIT, $0-40
	MOVQ    dst+0(FP), DI
	MOVQ    a+8(FP), SI
	MOVQ    rows+16(FP), R8
	MOVQ    cols+24(FP), R9
	MOVQ    x+32(FP), DX
	MOVQ    R9, AX
	ANDQ    $3, AX
	SHLQ    $5, AX
	LEAQ    tailmask<>(SB), BX
	VMOVUPD (BX)(AX*1), Y15 // mask of the last block
	MOVQ    R9, R10
	ANDQ    $-4, R10
	SHLQ    $3, R10         // bytes in full blocks of a row
	MOVQ    R9, R11
	SHLQ    $3, R11         // row stride in bytes
	LEAQ    (R11)(R11*2), BX   // 3 strides
	LEAQ    (R11)(R11*4), R13  // 5 strides
	LEAQ    (BX)(R11*4), R12   // 7 strides

gemv8:
	CMPQ   R8, $8
	JL     gemv4
	MOVQ   SI, R14
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	XORQ   CX, CX

	PCALIGN $32
gemv8cols:
	CMPQ        CX, R10
	JGE         gemv8tail
	VMOVUPD     (DX)(CX*1), Y8
	VFMADD231PD (SI), Y8, Y0
	VFMADD231PD (SI)(R11*1), Y8, Y1
	VFMADD231PD (SI)(R11*2), Y8, Y2
	VFMADD231PD (SI)(BX*1), Y8, Y3
	VFMADD231PD (SI)(R11*4), Y8, Y4
	VFMADD231PD (SI)(R13*1), Y8, Y5
	VFMADD231PD (SI)(BX*2), Y8, Y6
	VFMADD231PD (SI)(R12*1), Y8, Y7
	ADDQ        $32, SI
	ADDQ        $32, CX
	JMP         gemv8cols

gemv8tail:
	TESTQ       AX, AX
	JZ          gemv8sum
	VMASKMOVPD  (DX)(CX*1), Y15, Y8
	VMASKMOVPD  (SI), Y15, Y9
	VFMADD231PD Y9, Y8, Y0
	VMASKMOVPD  (SI)(R11*1), Y15, Y9
	VFMADD231PD Y9, Y8, Y1
	VMASKMOVPD  (SI)(R11*2), Y15, Y9
	VFMADD231PD Y9, Y8, Y2
	VMASKMOVPD  (SI)(BX*1), Y15, Y9
	VFMADD231PD Y9, Y8, Y3
	VMASKMOVPD  (SI)(R11*4), Y15, Y9
	VFMADD231PD Y9, Y8, Y4
	VMASKMOVPD  (SI)(R13*1), Y15, Y9
	VFMADD231PD Y9, Y8, Y5
	VMASKMOVPD  (SI)(BX*2), Y15, Y9
	VFMADD231PD Y9, Y8, Y6
	VMASKMOVPD  (SI)(R12*1), Y15, Y9
	VFMADD231PD Y9, Y8, Y7

gemv8sum:
	VHADDPD    Y1, Y0, Y0
	VHADDPD    Y3, Y2, Y2
	VPERM2F128 $0x20, Y2, Y0, Y1
	VPERM2F128 $0x31, Y2, Y0, Y3
	VADDPD     Y3, Y1, Y1
	VMOVUPD    Y1, (DI)
	VHADDPD    Y5, Y4, Y4
	VHADDPD    Y7, Y6, Y6
	VPERM2F128 $0x20, Y6, Y4, Y5
	VPERM2F128 $0x31, Y6, Y4, Y7
	VADDPD     Y7, Y5, Y5
	VMOVUPD    Y5, 32(DI)
	ADDQ       $64, DI
	LEAQ       (R14)(R11*8), SI
	SUBQ       $8, R8
	JMP        gemv8

gemv4:
	CMPQ   R8, $4
	JL     gemv1
	LEAQ   (SI)(R11*1), R12
	LEAQ   (R12)(R11*1), R13
	LEAQ   (R13)(R11*1), R14
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	XORQ   CX, CX

	PCALIGN $32
gemv4cols:
	CMPQ        CX, R10
	JGE         gemv4tail
	VMOVUPD     (DX)(CX*1), Y4
	VFMADD231PD (SI)(CX*1), Y4, Y0
	VFMADD231PD (R12)(CX*1), Y4, Y1
	VFMADD231PD (R13)(CX*1), Y4, Y2
	VFMADD231PD (R14)(CX*1), Y4, Y3
	ADDQ        $32, CX
	JMP         gemv4cols

gemv4tail:
	TESTQ       AX, AX
	JZ          gemv4sum
	VMASKMOVPD  (DX)(CX*1), Y15, Y4
	VMASKMOVPD  (SI)(CX*1), Y15, Y5
	VFMADD231PD Y5, Y4, Y0
	VMASKMOVPD  (R12)(CX*1), Y15, Y5
	VFMADD231PD Y5, Y4, Y1
	VMASKMOVPD  (R13)(CX*1), Y15, Y5
	VFMADD231PD Y5, Y4, Y2
	VMASKMOVPD  (R14)(CX*1), Y15, Y5
	VFMADD231PD Y5, Y4, Y3

gemv4sum:
	VHADDPD    Y1, Y0, Y0
	VHADDPD    Y3, Y2, Y2
	VPERM2F128 $0x20, Y2, Y0, Y1
	VPERM2F128 $0x31, Y2, Y0, Y3
	VADDPD     Y3, Y1, Y1
	VMOVUPD    Y1, (DI)
	ADDQ       $32, DI
	LEAQ       (R14)(R11*1), SI
	SUBQ       $4, R8
	JMP        gemv4

gemv1:
	TESTQ  R8, R8
	JZ     gemvdone
	VXORPD Y0, Y0, Y0
	XORQ   CX, CX

	PCALIGN $32
gemv1cols:
	CMPQ        CX, R10
	JGE         gemv1tail
	VMOVUPD     (DX)(CX*1), Y4
	VFMADD231PD (SI)(CX*1), Y4, Y0
	ADDQ        $32, CX
	JMP         gemv1cols

gemv1tail:
	TESTQ       AX, AX
	JZ          gemv1sum
	VMASKMOVPD  (DX)(CX*1), Y15, Y4
	VMASKMOVPD  (SI)(CX*1), Y15, Y5
	VFMADD231PD Y5, Y4, Y0

gemv1sum:
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VHADDPD      X0, X0, X0
	VMOVSD       X0, (DI)
	ADDQ         $8, DI
	ADDQ         R11, SI
	DECQ         R8
	JMP          gemv1

gemvdone:
	VZEROUPPER
	RET

// func gemv2AVX2(dst, a, b *float64, rows, cols int, xa, xb *float64)
//
// dst = a·xa + b·xb for two row-major rows×cols matrices, cols >= 1: as
// gemvAVX2, with both products summed in the same four lanes per row.
// Each block of four rows runs over a, then over b (the row pointers
// move by b-a), then back.
TEXT ·gemv2AVX2(SB), NOSPLIT, $0-56
	MOVQ    dst+0(FP), DI
	MOVQ    a+8(FP), SI
	MOVQ    b+16(FP), BX
	MOVQ    rows+24(FP), R8
	MOVQ    cols+32(FP), R9
	MOVQ    xa+40(FP), DX
	SUBQ    SI, BX          // b - a
	MOVQ    R9, AX
	ANDQ    $3, AX
	SHLQ    $5, AX
	LEAQ    tailmask<>(SB), CX
	VMOVUPD (CX)(AX*1), Y15 // mask of the last block
	MOVQ    R9, R10
	ANDQ    $-4, R10
	SHLQ    $3, R10         // bytes in full blocks of a row
	MOVQ    R9, R11
	SHLQ    $3, R11         // row stride in bytes
	MOVQ    xb+48(FP), R9

g2rows4:
	CMPQ   R8, $4
	JL     g2rows1
	LEAQ   (SI)(R11*1), R12
	LEAQ   (R12)(R11*1), R13
	LEAQ   (R13)(R11*1), R14
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	XORQ   CX, CX

	PCALIGN $32
g2cols4a:
	CMPQ        CX, R10
	JGE         g2tail4a
	VMOVUPD     (DX)(CX*1), Y4
	VFMADD231PD (SI)(CX*1), Y4, Y0
	VFMADD231PD (R12)(CX*1), Y4, Y1
	VFMADD231PD (R13)(CX*1), Y4, Y2
	VFMADD231PD (R14)(CX*1), Y4, Y3
	ADDQ        $32, CX
	JMP         g2cols4a

g2tail4a:
	TESTQ       AX, AX
	JZ          g2switch4
	VMASKMOVPD  (DX)(CX*1), Y15, Y4
	VMASKMOVPD  (SI)(CX*1), Y15, Y5
	VFMADD231PD Y5, Y4, Y0
	VMASKMOVPD  (R12)(CX*1), Y15, Y5
	VFMADD231PD Y5, Y4, Y1
	VMASKMOVPD  (R13)(CX*1), Y15, Y5
	VFMADD231PD Y5, Y4, Y2
	VMASKMOVPD  (R14)(CX*1), Y15, Y5
	VFMADD231PD Y5, Y4, Y3

g2switch4:
	ADDQ BX, SI
	ADDQ BX, R12
	ADDQ BX, R13
	ADDQ BX, R14
	XORQ CX, CX

	PCALIGN $32
g2cols4b:
	CMPQ        CX, R10
	JGE         g2tail4b
	VMOVUPD     (R9)(CX*1), Y4
	VFMADD231PD (SI)(CX*1), Y4, Y0
	VFMADD231PD (R12)(CX*1), Y4, Y1
	VFMADD231PD (R13)(CX*1), Y4, Y2
	VFMADD231PD (R14)(CX*1), Y4, Y3
	ADDQ        $32, CX
	JMP         g2cols4b

g2tail4b:
	TESTQ       AX, AX
	JZ          g2sum4
	VMASKMOVPD  (R9)(CX*1), Y15, Y4
	VMASKMOVPD  (SI)(CX*1), Y15, Y5
	VFMADD231PD Y5, Y4, Y0
	VMASKMOVPD  (R12)(CX*1), Y15, Y5
	VFMADD231PD Y5, Y4, Y1
	VMASKMOVPD  (R13)(CX*1), Y15, Y5
	VFMADD231PD Y5, Y4, Y2
	VMASKMOVPD  (R14)(CX*1), Y15, Y5
	VFMADD231PD Y5, Y4, Y3

g2sum4:
	VHADDPD    Y1, Y0, Y0
	VHADDPD    Y3, Y2, Y2
	VPERM2F128 $0x20, Y2, Y0, Y1
	VPERM2F128 $0x31, Y2, Y0, Y3
	VADDPD     Y3, Y1, Y1
	VMOVUPD    Y1, (DI)
	ADDQ       $32, DI
	SUBQ       BX, R14
	LEAQ       (R14)(R11*1), SI
	SUBQ       $4, R8
	JMP        g2rows4

g2rows1:
	TESTQ  R8, R8
	JZ     g2done
	VXORPD Y0, Y0, Y0
	XORQ   CX, CX

	PCALIGN $32
g2cols1a:
	CMPQ        CX, R10
	JGE         g2tail1a
	VMOVUPD     (DX)(CX*1), Y4
	VFMADD231PD (SI)(CX*1), Y4, Y0
	ADDQ        $32, CX
	JMP         g2cols1a

g2tail1a:
	TESTQ       AX, AX
	JZ          g2switch1
	VMASKMOVPD  (DX)(CX*1), Y15, Y4
	VMASKMOVPD  (SI)(CX*1), Y15, Y5
	VFMADD231PD Y5, Y4, Y0

g2switch1:
	ADDQ BX, SI
	XORQ CX, CX

	PCALIGN $32
g2cols1b:
	CMPQ        CX, R10
	JGE         g2tail1b
	VMOVUPD     (R9)(CX*1), Y4
	VFMADD231PD (SI)(CX*1), Y4, Y0
	ADDQ        $32, CX
	JMP         g2cols1b

g2tail1b:
	TESTQ       AX, AX
	JZ          g2sum1
	VMASKMOVPD  (R9)(CX*1), Y15, Y4
	VMASKMOVPD  (SI)(CX*1), Y15, Y5
	VFMADD231PD Y5, Y4, Y0

g2sum1:
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VHADDPD      X0, X0, X0
	VMOVSD       X0, (DI)
	ADDQ         $8, DI
	SUBQ         BX, SI
	ADDQ         R11, SI
	DECQ         R8
	JMP          g2rows1

g2done:
	VZEROUPPER
	RET

// The outer-product updates below run row by row over blocks of four
// columns and then the last cols%4 one by one, with x[i] broadcast.
// Their arithmetic is that of the Go loops in mat.go, operation by
// operation (no fused multiply-adds), so the results are the same bits.

// func addOuterAVX2(m *float64, rows, cols int, x, y *float64, a float64)
//
// m[i,j] += a·(x[i]·y[j]).
TEXT ·addOuterAVX2(SB), NOSPLIT, $0-48
	MOVQ         m+0(FP), DI
	MOVQ         rows+8(FP), R8
	MOVQ         cols+16(FP), R9
	MOVQ         x+24(FP), SI
	MOVQ         y+32(FP), DX
	VBROADCASTSD a+40(FP), Y14
	MOVQ         R9, R10
	ANDQ         $-4, R10
	SHLQ         $3, R10
	MOVQ         R9, R11
	SHLQ         $3, R11
	TESTQ        R8, R8
	JZ           aodone

aorow:
	VBROADCASTSD (SI), Y13
	XORQ         CX, CX

	PCALIGN $32
aocols:
	CMPQ    CX, R10
	JGE     aotail
	VMULPD  (DX)(CX*1), Y13, Y0 // x[i]·y[j]
	VMULPD  Y14, Y0, Y0         // a·(x[i]·y[j])
	VADDPD  (DI)(CX*1), Y0, Y0
	VMOVUPD Y0, (DI)(CX*1)
	ADDQ    $32, CX
	JMP     aocols

aotail:
	CMPQ    CX, R11
	JGE     aonext
	VMULSD  (DX)(CX*1), X13, X0
	VMULSD  X14, X0, X0
	VADDSD  (DI)(CX*1), X0, X0
	VMOVSD  X0, (DI)(CX*1)
	ADDQ    $8, CX
	JMP     aotail

aonext:
	ADDQ R11, DI
	ADDQ $8, SI
	DECQ R8
	JNZ  aorow

aodone:
	VZEROUPPER
	RET

// func addOuterDecayAVX2(m *float64, rows, cols int, x, y *float64, a, reg float64)
//
// m[i,j] = w + (a·(x[i]·y[j]) - reg·w) with w = m[i,j].
TEXT ·addOuterDecayAVX2(SB), NOSPLIT, $0-56
	MOVQ         m+0(FP), DI
	MOVQ         rows+8(FP), R8
	MOVQ         cols+16(FP), R9
	MOVQ         x+24(FP), SI
	MOVQ         y+32(FP), DX
	VBROADCASTSD a+40(FP), Y14
	VBROADCASTSD reg+48(FP), Y12
	MOVQ         R9, R10
	ANDQ         $-4, R10
	SHLQ         $3, R10
	MOVQ         R9, R11
	SHLQ         $3, R11
	TESTQ        R8, R8
	JZ           addone

adrow:
	VBROADCASTSD (SI), Y13
	XORQ         CX, CX

	PCALIGN $32
adcols:
	CMPQ    CX, R10
	JGE     adtail
	VMULPD  (DX)(CX*1), Y13, Y0 // x[i]·y[j]
	VMULPD  Y14, Y0, Y0         // a·(x[i]·y[j])
	VMOVUPD (DI)(CX*1), Y1      // w
	VMULPD  Y12, Y1, Y2         // reg·w
	VSUBPD  Y2, Y0, Y0
	VADDPD  Y0, Y1, Y0
	VMOVUPD Y0, (DI)(CX*1)
	ADDQ    $32, CX
	JMP     adcols

adtail:
	CMPQ    CX, R11
	JGE     adnext
	VMULSD  (DX)(CX*1), X13, X0
	VMULSD  X14, X0, X0
	VMOVSD  (DI)(CX*1), X1
	VMULSD  X12, X1, X2
	VSUBSD  X2, X0, X0
	VADDSD  X0, X1, X0
	VMOVSD  X0, (DI)(CX*1)
	ADDQ    $8, CX
	JMP     adtail

adnext:
	ADDQ R11, DI
	ADDQ $8, SI
	DECQ R8
	JNZ  adrow

addone:
	VZEROUPPER
	RET

// func addLowPassedOuterAVX2(m, lo *float64, rows, cols int, x, y *float64, b, a float64)
//
// l = lo[i,j] + b·(a·(x[i]·y[j]) - lo[i,j]); lo[i,j] = l; m[i,j] += l.
TEXT ·addLowPassedOuterAVX2(SB), NOSPLIT, $0-64
	MOVQ         m+0(FP), DI
	MOVQ         lo+8(FP), R12
	MOVQ         rows+16(FP), R8
	MOVQ         cols+24(FP), R9
	MOVQ         x+32(FP), SI
	MOVQ         y+40(FP), DX
	VBROADCASTSD b+48(FP), Y12
	VBROADCASTSD a+56(FP), Y14
	MOVQ         R9, R10
	ANDQ         $-4, R10
	SHLQ         $3, R10
	MOVQ         R9, R11
	SHLQ         $3, R11
	TESTQ        R8, R8
	JZ           lpdone

lprow:
	VBROADCASTSD (SI), Y13
	XORQ         CX, CX

	PCALIGN $32
lpcols:
	CMPQ    CX, R10
	JGE     lptail
	VMULPD  (DX)(CX*1), Y13, Y0 // x[i]·y[j]
	VMULPD  Y14, Y0, Y0         // d = a·(x[i]·y[j])
	VMOVUPD (R12)(CX*1), Y1     // l
	VSUBPD  Y1, Y0, Y0          // d - l
	VMULPD  Y12, Y0, Y0         // b·(d - l)
	VADDPD  Y0, Y1, Y1          // l + b·(d - l)
	VMOVUPD Y1, (R12)(CX*1)
	VADDPD  (DI)(CX*1), Y1, Y1
	VMOVUPD Y1, (DI)(CX*1)
	ADDQ    $32, CX
	JMP     lpcols

lptail:
	CMPQ    CX, R11
	JGE     lpnext
	VMULSD  (DX)(CX*1), X13, X0
	VMULSD  X14, X0, X0
	VMOVSD  (R12)(CX*1), X1
	VSUBSD  X1, X0, X0
	VMULSD  X12, X0, X0
	VADDSD  X0, X1, X1
	VMOVSD  X1, (R12)(CX*1)
	VADDSD  (DI)(CX*1), X1, X1
	VMOVSD  X1, (DI)(CX*1)
	ADDQ    $8, CX
	JMP     lptail

lpnext:
	ADDQ R11, DI
	ADDQ R11, R12
	ADDQ $8, SI
	DECQ R8
	JNZ  lprow

lpdone:
	VZEROUPPER
	RET

// func scaleAddAVX2(m, lo *float64, n int, c float64)
//
// lo[i] *= c; m[i] += lo[i] for n a multiple of 8: one streaming pass that
// reads and writes both arrays, with as little arithmetic as such a pass
// can have. It is the memory-traffic floor of a low-passed weight update
// (BenchmarkMNISTTraffic), not part of a step.
TEXT ·scaleAddAVX2(SB), NOSPLIT, $0-32
	MOVQ         m+0(FP), DI
	MOVQ         lo+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSD c+24(FP), Y15
	SHLQ         $3, CX
	XORQ         AX, AX
	TESTQ        CX, CX
	JZ           sadone

	PCALIGN $32
saloop:
	VMULPD  (SI)(AX*1), Y15, Y0
	VMULPD  32(SI)(AX*1), Y15, Y1
	VMOVUPD Y0, (SI)(AX*1)
	VMOVUPD Y1, 32(SI)(AX*1)
	VADDPD  (DI)(AX*1), Y0, Y0
	VADDPD  32(DI)(AX*1), Y1, Y1
	VMOVUPD Y0, (DI)(AX*1)
	VMOVUPD Y1, 32(DI)(AX*1)
	ADDQ    $64, AX
	CMPQ    AX, CX
	JL      saloop

sadone:
	VZEROUPPER
	RET

// func gemvLowPassedOuterAVX2(dst, m, lo *float64, rows, cols int, v, x, y *float64, b, a float64)
//
// dst = m·v as gemvAVX2 computes it, with m as it was before this call,
// and in the same pass the update of addLowPassedOuterAVX2:
// l = lo[i,j] + b·(a·(x[i]·y[j]) - lo[i,j]); lo[i,j] = l; m[i,j] += l.
// Four rows at a time, then one at a time, as gemvAVX2; the last cols%4
// columns form a masked block whose arithmetic is lane by lane that of the
// scalar tails of the other kernels. The results are the bits of gemvAVX2
// followed by addLowPassedOuterAVX2, with one pass over m and lo instead
// of two over m.
TEXT ·gemvLowPassedOuterAVX2(SB), NOSPLIT, $0-80
	MOVQ         dst+0(FP), DI
	MOVQ         m+8(FP), SI
	MOVQ         lo+16(FP), R14
	MOVQ         rows+24(FP), R8
	MOVQ         cols+32(FP), R11
	MOVQ         v+40(FP), DX
	MOVQ         x+48(FP), R12
	MOVQ         y+56(FP), R9
	VBROADCASTSD b+64(FP), Y13
	VBROADCASTSD a+72(FP), Y14
	SUBQ         SI, R14         // lo - m
	MOVQ         R11, AX
	ANDQ         $3, AX
	SHLQ         $5, AX
	LEAQ         tailmask<>(SB), CX
	VMOVUPD      (CX)(AX*1), Y15 // mask of the last block
	MOVQ         R11, R10
	ANDQ         $-4, R10
	SHLQ         $3, R10         // bytes in full blocks of a row
	SHLQ         $3, R11         // row stride in bytes
	LEAQ         (R11)(R11*2), R13

glp4:
	CMPQ         R8, $4
	JL           glp1
	LEAQ         (SI)(R14*1), BX
	VBROADCASTSD (R12), Y8
	VBROADCASTSD 8(R12), Y9
	VBROADCASTSD 16(R12), Y10
	VBROADCASTSD 24(R12), Y11
	VXORPD       Y0, Y0, Y0
	VXORPD       Y1, Y1, Y1
	VXORPD       Y2, Y2, Y2
	VXORPD       Y3, Y3, Y3
	XORQ         CX, CX

	PCALIGN $32
glp4cols:
	CMPQ        CX, R10
	JGE         glp4tail
	VMOVUPD     (DX)(CX*1), Y4 // v
	VMOVUPD     (R9)(CX*1), Y5 // y

	VMOVUPD     (SI), Y6       // row 0: w
	VFMADD231PD Y6, Y4, Y0
	VMULPD      Y5, Y8, Y7     // x[i]·y[j]
	VMULPD      Y14, Y7, Y7    // d = a·(x[i]·y[j])
	VMOVUPD     (BX), Y12      // l
	VSUBPD      Y12, Y7, Y7    // d - l
	VMULPD      Y13, Y7, Y7    // b·(d - l)
	VADDPD      Y7, Y12, Y12   // l + b·(d - l)
	VMOVUPD     Y12, (BX)
	VADDPD      Y12, Y6, Y6
	VMOVUPD     Y6, (SI)

	VMOVUPD     (SI)(R11*1), Y6 // row 1
	VFMADD231PD Y6, Y4, Y1
	VMULPD      Y5, Y9, Y7
	VMULPD      Y14, Y7, Y7
	VMOVUPD     (BX)(R11*1), Y12
	VSUBPD      Y12, Y7, Y7
	VMULPD      Y13, Y7, Y7
	VADDPD      Y7, Y12, Y12
	VMOVUPD     Y12, (BX)(R11*1)
	VADDPD      Y12, Y6, Y6
	VMOVUPD     Y6, (SI)(R11*1)

	VMOVUPD     (SI)(R11*2), Y6 // row 2
	VFMADD231PD Y6, Y4, Y2
	VMULPD      Y5, Y10, Y7
	VMULPD      Y14, Y7, Y7
	VMOVUPD     (BX)(R11*2), Y12
	VSUBPD      Y12, Y7, Y7
	VMULPD      Y13, Y7, Y7
	VADDPD      Y7, Y12, Y12
	VMOVUPD     Y12, (BX)(R11*2)
	VADDPD      Y12, Y6, Y6
	VMOVUPD     Y6, (SI)(R11*2)

	VMOVUPD     (SI)(R13*1), Y6 // row 3
	VFMADD231PD Y6, Y4, Y3
	VMULPD      Y5, Y11, Y7
	VMULPD      Y14, Y7, Y7
	VMOVUPD     (BX)(R13*1), Y12
	VSUBPD      Y12, Y7, Y7
	VMULPD      Y13, Y7, Y7
	VADDPD      Y7, Y12, Y12
	VMOVUPD     Y12, (BX)(R13*1)
	VADDPD      Y12, Y6, Y6
	VMOVUPD     Y6, (SI)(R13*1)

	ADDQ        $32, SI
	ADDQ        $32, BX
	ADDQ        $32, CX
	JMP         glp4cols

glp4tail:
	TESTQ       AX, AX
	JZ          glp4sum
	VMASKMOVPD  (DX)(CX*1), Y15, Y4
	VMASKMOVPD  (R9)(CX*1), Y15, Y5

	VMASKMOVPD  (SI), Y15, Y6
	VFMADD231PD Y6, Y4, Y0
	VMULPD      Y5, Y8, Y7
	VMULPD      Y14, Y7, Y7
	VMASKMOVPD  (BX), Y15, Y12
	VSUBPD      Y12, Y7, Y7
	VMULPD      Y13, Y7, Y7
	VADDPD      Y7, Y12, Y12
	VMASKMOVPD  Y12, Y15, (BX)
	VADDPD      Y12, Y6, Y6
	VMASKMOVPD  Y6, Y15, (SI)

	VMASKMOVPD  (SI)(R11*1), Y15, Y6
	VFMADD231PD Y6, Y4, Y1
	VMULPD      Y5, Y9, Y7
	VMULPD      Y14, Y7, Y7
	VMASKMOVPD  (BX)(R11*1), Y15, Y12
	VSUBPD      Y12, Y7, Y7
	VMULPD      Y13, Y7, Y7
	VADDPD      Y7, Y12, Y12
	VMASKMOVPD  Y12, Y15, (BX)(R11*1)
	VADDPD      Y12, Y6, Y6
	VMASKMOVPD  Y6, Y15, (SI)(R11*1)

	VMASKMOVPD  (SI)(R11*2), Y15, Y6
	VFMADD231PD Y6, Y4, Y2
	VMULPD      Y5, Y10, Y7
	VMULPD      Y14, Y7, Y7
	VMASKMOVPD  (BX)(R11*2), Y15, Y12
	VSUBPD      Y12, Y7, Y7
	VMULPD      Y13, Y7, Y7
	VADDPD      Y7, Y12, Y12
	VMASKMOVPD  Y12, Y15, (BX)(R11*2)
	VADDPD      Y12, Y6, Y6
	VMASKMOVPD  Y6, Y15, (SI)(R11*2)

	VMASKMOVPD  (SI)(R13*1), Y15, Y6
	VFMADD231PD Y6, Y4, Y3
	VMULPD      Y5, Y11, Y7
	VMULPD      Y14, Y7, Y7
	VMASKMOVPD  (BX)(R13*1), Y15, Y12
	VSUBPD      Y12, Y7, Y7
	VMULPD      Y13, Y7, Y7
	VADDPD      Y7, Y12, Y12
	VMASKMOVPD  Y12, Y15, (BX)(R13*1)
	VADDPD      Y12, Y6, Y6
	VMASKMOVPD  Y6, Y15, (SI)(R13*1)

glp4sum:
	VHADDPD    Y1, Y0, Y0
	VHADDPD    Y3, Y2, Y2
	VPERM2F128 $0x20, Y2, Y0, Y1
	VPERM2F128 $0x31, Y2, Y0, Y3
	VADDPD     Y3, Y1, Y1
	VMOVUPD    Y1, (DI)
	ADDQ       $32, DI
	ADDQ       $32, R12
	SUBQ       CX, SI
	LEAQ       (SI)(R11*4), SI
	SUBQ       $4, R8
	JMP        glp4

glp1:
	TESTQ        R8, R8
	JZ           glpdone
	LEAQ         (SI)(R14*1), BX
	VBROADCASTSD (R12), Y8
	VXORPD       Y0, Y0, Y0
	XORQ         CX, CX

	PCALIGN $32
glp1cols:
	CMPQ        CX, R10
	JGE         glp1tail
	VMOVUPD     (DX)(CX*1), Y4
	VMOVUPD     (R9)(CX*1), Y5
	VMOVUPD     (SI)(CX*1), Y6
	VFMADD231PD Y6, Y4, Y0
	VMULPD      Y5, Y8, Y7
	VMULPD      Y14, Y7, Y7
	VMOVUPD     (BX)(CX*1), Y12
	VSUBPD      Y12, Y7, Y7
	VMULPD      Y13, Y7, Y7
	VADDPD      Y7, Y12, Y12
	VMOVUPD     Y12, (BX)(CX*1)
	VADDPD      Y12, Y6, Y6
	VMOVUPD     Y6, (SI)(CX*1)
	ADDQ        $32, CX
	JMP         glp1cols

glp1tail:
	TESTQ       AX, AX
	JZ          glp1sum
	VMASKMOVPD  (DX)(CX*1), Y15, Y4
	VMASKMOVPD  (R9)(CX*1), Y15, Y5
	VMASKMOVPD  (SI)(CX*1), Y15, Y6
	VFMADD231PD Y6, Y4, Y0
	VMULPD      Y5, Y8, Y7
	VMULPD      Y14, Y7, Y7
	VMASKMOVPD  (BX)(CX*1), Y15, Y12
	VSUBPD      Y12, Y7, Y7
	VMULPD      Y13, Y7, Y7
	VADDPD      Y7, Y12, Y12
	VMASKMOVPD  Y12, Y15, (BX)(CX*1)
	VADDPD      Y12, Y6, Y6
	VMASKMOVPD  Y6, Y15, (SI)(CX*1)

glp1sum:
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VHADDPD      X0, X0, X0
	VMOVSD       X0, (DI)
	ADDQ         $8, DI
	ADDQ         $8, R12
	ADDQ         R11, SI
	DECQ         R8
	JMP          glp1

glpdone:
	VZEROUPPER
	RET

// func ouAVX2(noise, w *float64, n int, a, negdt, b, scale float64)
//
// noise[i] += a·(negdt·noise[i] + b·(scale·w[i])) for n >= 1, four at a
// time and the last n%4 in a masked block: one Ornstein–Uhlenbeck step
// with the operations of the Go loop.
TEXT ·ouAVX2(SB), NOSPLIT, $0-56
	MOVQ         noise+0(FP), DI
	MOVQ         w+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSD a+24(FP), Y12
	VBROADCASTSD negdt+32(FP), Y13
	VBROADCASTSD b+40(FP), Y14
	VBROADCASTSD scale+48(FP), Y15
	MOVQ         CX, AX
	ANDQ         $3, AX
	SHLQ         $5, AX
	LEAQ         tailmask<>(SB), DX
	VMOVUPD      (DX)(AX*1), Y11
	ANDQ         $-4, CX
	SHLQ         $3, CX
	XORQ         DX, DX

	PCALIGN $32
ouloop:
	CMPQ    DX, CX
	JGE     outail
	VMOVUPD (DI)(DX*1), Y0
	VMULPD  (SI)(DX*1), Y15, Y1 // scale·w
	VMULPD  Y1, Y14, Y1         // b·(…)
	VMULPD  Y0, Y13, Y2         // negdt·noise
	VADDPD  Y1, Y2, Y2
	VMULPD  Y2, Y12, Y2         // a·(…)
	VADDPD  Y2, Y0, Y0
	VMOVUPD Y0, (DI)(DX*1)
	ADDQ    $32, DX
	JMP     ouloop

outail:
	TESTQ      AX, AX
	JZ         oudone
	VMASKMOVPD (DI)(DX*1), Y11, Y0
	VMASKMOVPD (SI)(DX*1), Y11, Y1
	VMULPD     Y1, Y15, Y1
	VMULPD     Y1, Y14, Y1
	VMULPD     Y0, Y13, Y2
	VADDPD     Y1, Y2, Y2
	VMULPD     Y2, Y12, Y2
	VADDPD     Y2, Y0, Y0
	VMASKMOVPD Y0, Y11, (DI)(DX*1)

oudone:
	VZEROUPPER
	RET

// func highPassAVX2(hi, r, rOld *float64, n int, a float64)
//
// hi[i] = h + ((r[i] - rOld[i]) - a·h) with h = hi[i], for n >= 1, four at
// a time and the last n%4 in a masked block, with the operations of the Go
// loop.
TEXT ·highPassAVX2(SB), NOSPLIT, $0-40
	MOVQ         hi+0(FP), DI
	MOVQ         r+8(FP), SI
	MOVQ         rOld+16(FP), R8
	MOVQ         n+24(FP), CX
	VBROADCASTSD a+32(FP), Y15
	MOVQ         CX, AX
	ANDQ         $3, AX
	SHLQ         $5, AX
	LEAQ         tailmask<>(SB), DX
	VMOVUPD      (DX)(AX*1), Y11
	ANDQ         $-4, CX
	SHLQ         $3, CX
	XORQ         DX, DX

	PCALIGN $32
hploop:
	CMPQ    DX, CX
	JGE     hptail
	VMOVUPD (DI)(DX*1), Y0      // h
	VMOVUPD (SI)(DX*1), Y1
	VSUBPD  (R8)(DX*1), Y1, Y1  // r - rOld
	VMULPD  Y0, Y15, Y2         // a·h
	VSUBPD  Y2, Y1, Y1
	VADDPD  Y1, Y0, Y0
	VMOVUPD Y0, (DI)(DX*1)
	ADDQ    $32, DX
	JMP     hploop

hptail:
	TESTQ      AX, AX
	JZ         hpdone
	VMASKMOVPD (DI)(DX*1), Y11, Y0
	VMASKMOVPD (SI)(DX*1), Y11, Y1
	VMASKMOVPD (R8)(DX*1), Y11, Y3
	VSUBPD     Y3, Y1, Y1
	VMULPD     Y0, Y15, Y2
	VSUBPD     Y2, Y1, Y1
	VADDPD     Y1, Y0, Y0
	VMASKMOVPD Y0, Y11, (DI)(DX*1)

hpdone:
	VZEROUPPER
	RET

// The kernels below serve Config.LazyInputColumns (see lazy.go). A block
// is four consecutive columns; cols is a multiple of four.

// func activeBlocksAVX2(dst *int32, x, y *float64, nblocks int) int
//
// Lists in dst, in increasing order, the blocks b in [0, nblocks) where
// x[4b:4b+4] or y[4b:4b+4] has an entry other than ±0, and returns their
// number. The list is written without branches: every index is stored
// and the count moves on when the block is active.
TEXT ·activeBlocksAVX2(SB), NOSPLIT, $0-40
	MOVQ    dst+0(FP), DI
	MOVQ    x+8(FP), SI
	MOVQ    y+16(FP), DX
	MOVQ    nblocks+24(FP), CX
	VMOVUPD expc<>+448(SB), Y15 // mask of |x|
	XORQ    AX, AX              // block
	XORQ    BX, BX              // active blocks so far
	TESTQ   CX, CX
	JZ      abdone

	PCALIGN $32
abloop:
	VMOVUPD (SI), Y0
	VORPD   (DX), Y0, Y0
	MOVL    AX, (DI)(BX*4)
	VPTEST  Y15, Y0             // ZF: every |x| and |y| bit pattern zero
	SETNE   R8
	MOVBQZX R8, R8
	ADDQ    R8, BX
	ADDQ    $32, SI
	ADDQ    $32, DX
	INCQ    AX
	CMPQ    AX, CX
	JL      abloop

abdone:
	MOVQ BX, ret+32(FP)
	VZEROUPPER
	RET

// func decayBlockAVX2(m, lo *float64, rows, stride, k int, b float64)
//
// Applies k >= 1 steps of a low-passed update with a zero increment to
// one block of every row: t = b·l; l = l - t; w = w + l, with l and w the
// block's entries of lo and m (row r at r·stride entries from m and lo).
// l - b·l is l + b·(0·… - l) of the other kernels, the same bits: the
// difference with a zero is exactly -l, and b·(-l) = -(b·l). Seven rows
// go side by side, to keep seven chains in flight; the rest one by one.
TEXT ·decayBlockAVX2(SB), NOSPLIT, $0-48
	MOVQ         m+0(FP), DI
	MOVQ         lo+8(FP), SI
	MOVQ         rows+16(FP), R8
	MOVQ         stride+24(FP), R11
	MOVQ         k+32(FP), R9
	VBROADCASTSD b+40(FP), Y14
	SHLQ         $3, R11            // stride in bytes
	LEAQ         (R11)(R11*2), R10  // 3 strides
	LEAQ         (R11)(R11*4), BX   // 5 strides

db7:
	CMPQ    R8, $7
	JL      db1
	VMOVUPD (SI), Y0
	VMOVUPD (SI)(R11*1), Y1
	VMOVUPD (SI)(R11*2), Y2
	VMOVUPD (SI)(R10*1), Y3
	VMOVUPD (SI)(R11*4), Y4
	VMOVUPD (SI)(BX*1), Y5
	VMOVUPD (SI)(R10*2), Y6
	VMOVUPD (DI), Y7
	VMOVUPD (DI)(R11*1), Y8
	VMOVUPD (DI)(R11*2), Y9
	VMOVUPD (DI)(R10*1), Y10
	VMOVUPD (DI)(R11*4), Y11
	VMOVUPD (DI)(BX*1), Y12
	VMOVUPD (DI)(R10*2), Y13
	MOVQ    R9, CX

	PCALIGN $32
db7steps:
	VMULPD Y0, Y14, Y15
	VSUBPD Y15, Y0, Y0
	VADDPD Y0, Y7, Y7
	VMULPD Y1, Y14, Y15
	VSUBPD Y15, Y1, Y1
	VADDPD Y1, Y8, Y8
	VMULPD Y2, Y14, Y15
	VSUBPD Y15, Y2, Y2
	VADDPD Y2, Y9, Y9
	VMULPD Y3, Y14, Y15
	VSUBPD Y15, Y3, Y3
	VADDPD Y3, Y10, Y10
	VMULPD Y4, Y14, Y15
	VSUBPD Y15, Y4, Y4
	VADDPD Y4, Y11, Y11
	VMULPD Y5, Y14, Y15
	VSUBPD Y15, Y5, Y5
	VADDPD Y5, Y12, Y12
	VMULPD Y6, Y14, Y15
	VSUBPD Y15, Y6, Y6
	VADDPD Y6, Y13, Y13
	DECQ   CX
	JNZ    db7steps

	VMOVUPD Y0, (SI)
	VMOVUPD Y1, (SI)(R11*1)
	VMOVUPD Y2, (SI)(R11*2)
	VMOVUPD Y3, (SI)(R10*1)
	VMOVUPD Y4, (SI)(R11*4)
	VMOVUPD Y5, (SI)(BX*1)
	VMOVUPD Y6, (SI)(R10*2)
	VMOVUPD Y7, (DI)
	VMOVUPD Y8, (DI)(R11*1)
	VMOVUPD Y9, (DI)(R11*2)
	VMOVUPD Y10, (DI)(R10*1)
	VMOVUPD Y11, (DI)(R11*4)
	VMOVUPD Y12, (DI)(BX*1)
	VMOVUPD Y13, (DI)(R10*2)
	LEAQ    (SI)(R10*2), SI
	ADDQ    R11, SI
	LEAQ    (DI)(R10*2), DI
	ADDQ    R11, DI
	SUBQ    $7, R8
	JMP     db7

db1:
	TESTQ   R8, R8
	JZ      dbdone
	VMOVUPD (SI), Y0
	VMOVUPD (DI), Y7
	MOVQ    R9, CX

db1steps:
	VMULPD Y0, Y14, Y15
	VSUBPD Y15, Y0, Y0
	VADDPD Y0, Y7, Y7
	DECQ   CX
	JNZ    db1steps

	VMOVUPD Y0, (SI)
	VMOVUPD Y7, (DI)
	ADDQ    R11, SI
	ADDQ    R11, DI
	DECQ    R8
	JMP     db1

dbdone:
	VZEROUPPER
	RET

// func gemvBlocksAVX2(dst, m *float64, rows, cols int, v *float64, blocks *int32, nb int)
//
// dst = m·v as gemvAVX2 computes it, over the listed blocks only: v is
// zero on the others, whose multiply-adds would add zero products to the
// lane sums and leave them as they are (for finite m).
TEXT ·gemvBlocksAVX2(SB), NOSPLIT, $0-56
	MOVQ    dst+0(FP), DI
	MOVQ    m+8(FP), SI
	MOVQ    rows+16(FP), R9
	MOVQ    cols+24(FP), R11
	MOVQ    v+32(FP), DX
	MOVQ    blocks+40(FP), R8
	SHLQ    $3, R11                 // row stride in bytes

gb4:
	CMPQ   R9, $4
	JL     gb1
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	XORQ   CX, CX

	PCALIGN $32
gb4blocks:
	CMPQ        CX, nb+48(FP)
	JGE         gb4sum
	MOVLQSX     (R8)(CX*4), AX
	SHLQ        $5, AX
	INCQ        CX
	LEAQ        (AX)(R11*1), R13
	LEAQ        (AX)(R11*2), R14
	LEAQ        (R13)(R11*2), R10
	VMOVUPD     (DX)(AX*1), Y4
	VFMADD231PD (SI)(AX*1), Y4, Y0
	VFMADD231PD (SI)(R13*1), Y4, Y1
	VFMADD231PD (SI)(R14*1), Y4, Y2
	VFMADD231PD (SI)(R10*1), Y4, Y3
	JMP         gb4blocks

gb4sum:
	VHADDPD    Y1, Y0, Y0
	VHADDPD    Y3, Y2, Y2
	VPERM2F128 $0x20, Y2, Y0, Y1
	VPERM2F128 $0x31, Y2, Y0, Y3
	VADDPD     Y3, Y1, Y1
	VMOVUPD    Y1, (DI)
	ADDQ       $32, DI
	LEAQ       (SI)(R11*4), SI
	SUBQ       $4, R9
	JMP        gb4

gb1:
	TESTQ  R9, R9
	JZ     gbdone
	VXORPD Y0, Y0, Y0
	XORQ   CX, CX

gb1blocks:
	CMPQ        CX, nb+48(FP)
	JGE         gb1sum
	MOVLQSX     (R8)(CX*4), AX
	SHLQ        $5, AX
	INCQ        CX
	VMOVUPD     (DX)(AX*1), Y4
	VFMADD231PD (SI)(AX*1), Y4, Y0
	JMP         gb1blocks

gb1sum:
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VHADDPD      X0, X0, X0
	VMOVSD       X0, (DI)
	ADDQ         $8, DI
	ADDQ         R11, SI
	DECQ         R9
	JMP          gb1

gbdone:
	VZEROUPPER
	RET

// func gemvLowPassedOuterBlocksAVX2(dst, m, lo *float64, rows, cols int, v, x, y *float64, b, a float64, blocks *int32, nb int)
//
// gemvLowPassedOuterAVX2 over the listed blocks only: dst = m·v as
// gemvBlocksAVX2 computes it (v is zero on the other blocks) and the
// low-passed update l = lo + b·(a·(x[i]·y[j]) - lo); lo = l; m += l on the
// listed blocks, the same bits as there.
TEXT ·gemvLowPassedOuterBlocksAVX2(SB), NOSPLIT, $0-96
	MOVQ         dst+0(FP), DI
	MOVQ         m+8(FP), SI
	MOVQ         lo+16(FP), BX
	MOVQ         cols+32(FP), R11
	MOVQ         v+40(FP), DX
	MOVQ         x+48(FP), R12
	MOVQ         y+56(FP), R9
	VBROADCASTSD b+64(FP), Y13
	VBROADCASTSD a+72(FP), Y14
	MOVQ         blocks+80(FP), R8
	SHLQ         $3, R11             // row stride in bytes

glb4:
	CMPQ         rows+24(FP), $4
	JL           glb1
	VBROADCASTSD (R12), Y8
	VBROADCASTSD 8(R12), Y9
	VBROADCASTSD 16(R12), Y10
	VBROADCASTSD 24(R12), Y11
	VXORPD       Y0, Y0, Y0
	VXORPD       Y1, Y1, Y1
	VXORPD       Y2, Y2, Y2
	VXORPD       Y3, Y3, Y3
	XORQ         CX, CX

	PCALIGN $32
glb4blocks:
	CMPQ        CX, nb+88(FP)
	JGE         glb4sum
	MOVLQSX     (R8)(CX*4), AX
	SHLQ        $5, AX
	INCQ        CX
	LEAQ        (AX)(R11*1), R13
	LEAQ        (AX)(R11*2), R14
	LEAQ        (R13)(R11*2), R10
	VMOVUPD     (DX)(AX*1), Y4 // v
	VMOVUPD     (R9)(AX*1), Y5 // y

	VMOVUPD     (SI)(AX*1), Y6 // row 0: w
	VFMADD231PD Y6, Y4, Y0
	VMULPD      Y5, Y8, Y7     // x[i]·y[j]
	VMULPD      Y14, Y7, Y7    // d = a·(x[i]·y[j])
	VMOVUPD     (BX)(AX*1), Y12
	VSUBPD      Y12, Y7, Y7    // d - l
	VMULPD      Y13, Y7, Y7    // b·(d - l)
	VADDPD      Y7, Y12, Y12   // l + b·(d - l)
	VMOVUPD     Y12, (BX)(AX*1)
	VADDPD      Y12, Y6, Y6
	VMOVUPD     Y6, (SI)(AX*1)

	VMOVUPD     (SI)(R13*1), Y6 // row 1
	VFMADD231PD Y6, Y4, Y1
	VMULPD      Y5, Y9, Y7
	VMULPD      Y14, Y7, Y7
	VMOVUPD     (BX)(R13*1), Y12
	VSUBPD      Y12, Y7, Y7
	VMULPD      Y13, Y7, Y7
	VADDPD      Y7, Y12, Y12
	VMOVUPD     Y12, (BX)(R13*1)
	VADDPD      Y12, Y6, Y6
	VMOVUPD     Y6, (SI)(R13*1)

	VMOVUPD     (SI)(R14*1), Y6 // row 2
	VFMADD231PD Y6, Y4, Y2
	VMULPD      Y5, Y10, Y7
	VMULPD      Y14, Y7, Y7
	VMOVUPD     (BX)(R14*1), Y12
	VSUBPD      Y12, Y7, Y7
	VMULPD      Y13, Y7, Y7
	VADDPD      Y7, Y12, Y12
	VMOVUPD     Y12, (BX)(R14*1)
	VADDPD      Y12, Y6, Y6
	VMOVUPD     Y6, (SI)(R14*1)

	VMOVUPD     (SI)(R10*1), Y6 // row 3
	VFMADD231PD Y6, Y4, Y3
	VMULPD      Y5, Y11, Y7
	VMULPD      Y14, Y7, Y7
	VMOVUPD     (BX)(R10*1), Y12
	VSUBPD      Y12, Y7, Y7
	VMULPD      Y13, Y7, Y7
	VADDPD      Y7, Y12, Y12
	VMOVUPD     Y12, (BX)(R10*1)
	VADDPD      Y12, Y6, Y6
	VMOVUPD     Y6, (SI)(R10*1)
	JMP         glb4blocks

glb4sum:
	VHADDPD    Y1, Y0, Y0
	VHADDPD    Y3, Y2, Y2
	VPERM2F128 $0x20, Y2, Y0, Y1
	VPERM2F128 $0x31, Y2, Y0, Y3
	VADDPD     Y3, Y1, Y1
	VMOVUPD    Y1, (DI)
	ADDQ       $32, DI
	ADDQ       $32, R12
	LEAQ       (SI)(R11*4), SI
	LEAQ       (BX)(R11*4), BX
	SUBQ       $4, rows+24(FP)
	JMP        glb4

glb1:
	CMPQ         rows+24(FP), $0
	JE           glbdone
	VBROADCASTSD (R12), Y8
	VXORPD       Y0, Y0, Y0
	XORQ         CX, CX

glb1blocks:
	CMPQ        CX, nb+88(FP)
	JGE         glb1sum
	MOVLQSX     (R8)(CX*4), AX
	SHLQ        $5, AX
	INCQ        CX
	VMOVUPD     (DX)(AX*1), Y4
	VMOVUPD     (R9)(AX*1), Y5
	VMOVUPD     (SI)(AX*1), Y6
	VFMADD231PD Y6, Y4, Y0
	VMULPD      Y5, Y8, Y7
	VMULPD      Y14, Y7, Y7
	VMOVUPD     (BX)(AX*1), Y12
	VSUBPD      Y12, Y7, Y7
	VMULPD      Y13, Y7, Y7
	VADDPD      Y7, Y12, Y12
	VMOVUPD     Y12, (BX)(AX*1)
	VADDPD      Y12, Y6, Y6
	VMOVUPD     Y6, (SI)(AX*1)
	JMP         glb1blocks

glb1sum:
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VHADDPD      X0, X0, X0
	VMOVSD       X0, (DI)
	ADDQ         $8, DI
	ADDQ         $8, R12
	ADDQ         R11, SI
	ADDQ         R11, BX
	DECQ         rows+24(FP)
	JMP          glb1

glbdone:
	VZEROUPPER
	RET

// Three-column outer-product updates. Four rows of a three-column matrix
// are twelve consecutive entries, three blocks of four; the i-th factors
// of the block are x[i..i+3] spread as (x0 x0 x0 x1), (x1 x1 x2 x2),
// (x2 x3 x3 x3), the j-th ones the pattern yp = (y0 y1 y2 y0 y1 y2 y0 y1
// y2 y0 y1 y2). The arithmetic is that of the Go loops, entry by entry.

// func addOuter3AVX2(m *float64, groups int, x, yp *float64, a float64)
//
// m[i,j] += a·(x[i]·y[j]) for the first 4·groups rows.
TEXT ·addOuter3AVX2(SB), NOSPLIT, $0-40
	MOVQ         m+0(FP), DI
	MOVQ         groups+8(FP), CX
	MOVQ         x+16(FP), SI
	MOVQ         yp+24(FP), DX
	VBROADCASTSD a+32(FP), Y15
	VMOVUPD      (DX), Y12
	VMOVUPD      32(DX), Y13
	VMOVUPD      64(DX), Y14
	TESTQ        CX, CX
	JZ           ao3done

	PCALIGN $32
ao3loop:
	VMOVUPD (SI), Y0
	VPERMPD $0x40, Y0, Y1 // x0 x0 x0 x1
	VPERMPD $0xa5, Y0, Y2 // x1 x1 x2 x2
	VPERMPD $0xfe, Y0, Y3 // x2 x3 x3 x3
	VMULPD  Y12, Y1, Y1
	VMULPD  Y13, Y2, Y2
	VMULPD  Y14, Y3, Y3
	VMULPD  Y15, Y1, Y1
	VMULPD  Y15, Y2, Y2
	VMULPD  Y15, Y3, Y3
	VADDPD  (DI), Y1, Y1
	VADDPD  32(DI), Y2, Y2
	VADDPD  64(DI), Y3, Y3
	VMOVUPD Y1, (DI)
	VMOVUPD Y2, 32(DI)
	VMOVUPD Y3, 64(DI)
	ADDQ    $32, SI
	ADDQ    $96, DI
	DECQ    CX
	JNZ     ao3loop

ao3done:
	VZEROUPPER
	RET

// func addOuterDecay3AVX2(m *float64, groups int, x, yp *float64, a, reg float64)
//
// m[i,j] = w + (a·(x[i]·y[j]) - reg·w), w = m[i,j], for the first
// 4·groups rows.
TEXT ·addOuterDecay3AVX2(SB), NOSPLIT, $0-48
	MOVQ         m+0(FP), DI
	MOVQ         groups+8(FP), CX
	MOVQ         x+16(FP), SI
	MOVQ         yp+24(FP), DX
	VBROADCASTSD a+32(FP), Y15
	VBROADCASTSD reg+40(FP), Y11
	VMOVUPD      (DX), Y12
	VMOVUPD      32(DX), Y13
	VMOVUPD      64(DX), Y14
	TESTQ        CX, CX
	JZ           ad3done

	PCALIGN $32
ad3loop:
	VMOVUPD (SI), Y0
	VPERMPD $0x40, Y0, Y1
	VPERMPD $0xa5, Y0, Y2
	VPERMPD $0xfe, Y0, Y3
	VMULPD  Y12, Y1, Y1
	VMULPD  Y13, Y2, Y2
	VMULPD  Y14, Y3, Y3
	VMULPD  Y15, Y1, Y1    // a·(x·y)
	VMULPD  Y15, Y2, Y2
	VMULPD  Y15, Y3, Y3
	VMOVUPD (DI), Y4       // w
	VMOVUPD 32(DI), Y5
	VMOVUPD 64(DI), Y6
	VMULPD  Y11, Y4, Y7    // reg·w
	VSUBPD  Y7, Y1, Y1
	VMULPD  Y11, Y5, Y7
	VSUBPD  Y7, Y2, Y2
	VMULPD  Y11, Y6, Y7
	VSUBPD  Y7, Y3, Y3
	VADDPD  Y1, Y4, Y4
	VADDPD  Y2, Y5, Y5
	VADDPD  Y3, Y6, Y6
	VMOVUPD Y4, (DI)
	VMOVUPD Y5, 32(DI)
	VMOVUPD Y6, 64(DI)
	ADDQ    $32, SI
	ADDQ    $96, DI
	DECQ    CX
	JNZ     ad3loop

ad3done:
	VZEROUPPER
	RET

// func heldPassAVX2(w, lo *float64, rows, cols int, ops *int32, nops int, f *float64, p, d, r, u, v, su, sv *float64, gs, pk float64, lowPass int, wp, lp *float64)
//
// passRows of the per-sample input weights (persample.go): for every row i
// and every listed block (code = block<<3 | close 1 | settle 2 | product 4),
// with W and L the block's four weights and low-passed increments:
//
//	close, lowPass: W = ((W + g·L) + su[i]·p) + sv[i]·d;  L = ((pk·L) + u[i]·p) + v[i]·d
//	close:          W = (W + su[i]·p) + sv[i]·d
//	settle:         W = W + fg·L;  L = fp·L   (fg, fp = f[2t], f[2t+1])
//	product:        aw += W·r;  al += L·r     (four lanes)
//
// then wp[i] = (aw0 + aw2) + (aw1 + aw3), lp[i] likewise: the operations of
// passRows' Go loop, one rounding each, no fused multiply-add.
TEXT ·heldPassAVX2(SB), NOSPLIT, $0-152
	MOVQ         w+0(FP), SI
	MOVQ         lo+8(FP), DI
	MOVQ         cols+24(FP), R11
	SHLQ         $3, R11              // row stride in bytes
	MOVQ         ops+32(FP), R8
	MOVQ         f+48(FP), R12
	MOVQ         p+56(FP), DX
	MOVQ         d+64(FP), R9
	MOVQ         r+72(FP), R10
	VBROADCASTSD gs+112(FP), Y12
	VBROADCASTSD pk+120(FP), Y13
	XORQ         R13, R13             // row i

hprow:
	CMPQ         R13, rows+16(FP)
	JGE          hpdone
	MOVQ         u+80(FP), AX
	VBROADCASTSD (AX)(R13*8), Y8
	MOVQ         v+88(FP), AX
	VBROADCASTSD (AX)(R13*8), Y9
	MOVQ         su+96(FP), AX
	VBROADCASTSD (AX)(R13*8), Y10
	MOVQ         sv+104(FP), AX
	VBROADCASTSD (AX)(R13*8), Y11
	VXORPD       Y14, Y14, Y14
	VXORPD       Y15, Y15, Y15
	XORQ         CX, CX

	PCALIGN $32
hpop:
	CMPQ    CX, nops+40(FP)
	JGE     hprowend
	MOVL    (R8)(CX*4), BX
	MOVQ    BX, AX
	SHRQ    $3, AX
	SHLQ    $5, AX                    // the block's byte offset
	VMOVUPD (SI)(AX*1), Y0
	VMOVUPD (DI)(AX*1), Y1
	TESTL   $1, BX
	JZ      hpsettle
	VMOVUPD (DX)(AX*1), Y2
	VMOVUPD (R9)(AX*1), Y3
	CMPQ    lowPass+128(FP), $0
	JE      hpplain
	VMULPD  Y12, Y1, Y4
	VADDPD  Y4, Y0, Y0
	VMULPD  Y10, Y2, Y4
	VADDPD  Y4, Y0, Y0
	VMULPD  Y11, Y3, Y4
	VADDPD  Y4, Y0, Y0
	VMULPD  Y13, Y1, Y1
	VMULPD  Y8, Y2, Y4
	VADDPD  Y4, Y1, Y1
	VMULPD  Y9, Y3, Y4
	VADDPD  Y4, Y1, Y1
	JMP     hpsettle

hpplain:
	VMULPD Y10, Y2, Y4
	VADDPD Y4, Y0, Y0
	VMULPD Y11, Y3, Y4
	VADDPD Y4, Y0, Y0

hpsettle:
	TESTL        $2, BX
	JZ           hpstore
	MOVQ         CX, R14
	SHLQ         $4, R14
	VBROADCASTSD (R12)(R14*1), Y5
	VBROADCASTSD 8(R12)(R14*1), Y6
	VMULPD       Y5, Y1, Y4
	VADDPD       Y4, Y0, Y0
	VMULPD       Y6, Y1, Y1

hpstore:
	TESTL   $3, BX
	JZ      hpproduct
	VMOVUPD Y0, (SI)(AX*1)
	VMOVUPD Y1, (DI)(AX*1)

hpproduct:
	TESTL   $4, BX
	JZ      hpnext
	VMOVUPD (R10)(AX*1), Y7
	VMULPD  Y7, Y0, Y4
	VADDPD  Y4, Y14, Y14
	VMULPD  Y7, Y1, Y4
	VADDPD  Y4, Y15, Y15

hpnext:
	INCQ CX
	JMP  hpop

hprowend:
	VEXTRACTF128 $1, Y14, X4
	VADDPD       X4, X14, X14
	VHADDPD      X14, X14, X14
	MOVQ         wp+136(FP), AX
	VMOVSD       X14, (AX)(R13*8)
	VEXTRACTF128 $1, Y15, X4
	VADDPD       X4, X15, X15
	VHADDPD      X15, X15, X15
	MOVQ         lp+144(FP), AX
	VMOVSD       X15, (AX)(R13*8)
	ADDQ         R11, SI
	ADDQ         R11, DI
	INCQ         R13
	JMP          hprow

hpdone:
	VZEROUPPER
	RET

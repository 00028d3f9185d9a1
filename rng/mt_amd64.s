//go:build amd64 && !purego

#include "textflag.h"

// MT19937 constants, eight copies each.
DATA mtc<>+0(SB)/8, $0x8000000080000000  // upper mask
DATA mtc<>+8(SB)/8, $0x8000000080000000
DATA mtc<>+16(SB)/8, $0x8000000080000000
DATA mtc<>+24(SB)/8, $0x8000000080000000
DATA mtc<>+32(SB)/8, $0x7fffffff7fffffff // lower mask
DATA mtc<>+40(SB)/8, $0x7fffffff7fffffff
DATA mtc<>+48(SB)/8, $0x7fffffff7fffffff
DATA mtc<>+56(SB)/8, $0x7fffffff7fffffff
DATA mtc<>+64(SB)/8, $0x9908b0df9908b0df // matrix A
DATA mtc<>+72(SB)/8, $0x9908b0df9908b0df
DATA mtc<>+80(SB)/8, $0x9908b0df9908b0df
DATA mtc<>+88(SB)/8, $0x9908b0df9908b0df
DATA mtc<>+96(SB)/8, $0x0000000100000001 // 1
DATA mtc<>+104(SB)/8, $0x0000000100000001
DATA mtc<>+112(SB)/8, $0x0000000100000001
DATA mtc<>+120(SB)/8, $0x0000000100000001
DATA mtc<>+128(SB)/8, $0x9d2c56809d2c5680 // tempering mask b
DATA mtc<>+136(SB)/8, $0x9d2c56809d2c5680
DATA mtc<>+144(SB)/8, $0x9d2c56809d2c5680
DATA mtc<>+152(SB)/8, $0x9d2c56809d2c5680
DATA mtc<>+160(SB)/8, $0xefc60000efc60000 // tempering mask c
DATA mtc<>+168(SB)/8, $0xefc60000efc60000
DATA mtc<>+176(SB)/8, $0xefc60000efc60000
DATA mtc<>+184(SB)/8, $0xefc60000efc60000
GLOBL mtc<>(SB), RODATA|NOPTR, $192

// Constants of the polar method.
DATA polc<>+0(SB)/8, $0x0000000400000000  // dword order 0 4 1 5 2 6 3 7
DATA polc<>+8(SB)/8, $0x0000000500000001
DATA polc<>+16(SB)/8, $0x0000000600000002
DATA polc<>+24(SB)/8, $0x0000000700000003
DATA polc<>+32(SB)/8, $0x4190000000000000 // 2^26 = 67108864
DATA polc<>+40(SB)/8, $0x3ca0000000000000 // 2^-53 = 1/9007199254740992
DATA polc<>+48(SB)/8, $0x3ff0000000000000 // 1
DATA polc<>+56(SB)/8, $0xc000000000000000 // -2
GLOBL polc<>(SB), RODATA|NOPTR, $64

// packidx<>+32·m moves the lanes selected by the 4-bit mask m to the
// front, in order (dword indices for VPERMD).
DATA packidx<>+0(SB)/8, $0x0000000000000000
DATA packidx<>+8(SB)/8, $0x0000000000000000
DATA packidx<>+16(SB)/8, $0x0000000000000000
DATA packidx<>+24(SB)/8, $0x0000000000000000
DATA packidx<>+32(SB)/8, $0x0000000100000000
DATA packidx<>+40(SB)/8, $0x0000000000000000
DATA packidx<>+48(SB)/8, $0x0000000000000000
DATA packidx<>+56(SB)/8, $0x0000000000000000
DATA packidx<>+64(SB)/8, $0x0000000300000002
DATA packidx<>+72(SB)/8, $0x0000000000000000
DATA packidx<>+80(SB)/8, $0x0000000000000000
DATA packidx<>+88(SB)/8, $0x0000000000000000
DATA packidx<>+96(SB)/8, $0x0000000100000000
DATA packidx<>+104(SB)/8, $0x0000000300000002
DATA packidx<>+112(SB)/8, $0x0000000000000000
DATA packidx<>+120(SB)/8, $0x0000000000000000
DATA packidx<>+128(SB)/8, $0x0000000500000004
DATA packidx<>+136(SB)/8, $0x0000000000000000
DATA packidx<>+144(SB)/8, $0x0000000000000000
DATA packidx<>+152(SB)/8, $0x0000000000000000
DATA packidx<>+160(SB)/8, $0x0000000100000000
DATA packidx<>+168(SB)/8, $0x0000000500000004
DATA packidx<>+176(SB)/8, $0x0000000000000000
DATA packidx<>+184(SB)/8, $0x0000000000000000
DATA packidx<>+192(SB)/8, $0x0000000300000002
DATA packidx<>+200(SB)/8, $0x0000000500000004
DATA packidx<>+208(SB)/8, $0x0000000000000000
DATA packidx<>+216(SB)/8, $0x0000000000000000
DATA packidx<>+224(SB)/8, $0x0000000100000000
DATA packidx<>+232(SB)/8, $0x0000000300000002
DATA packidx<>+240(SB)/8, $0x0000000500000004
DATA packidx<>+248(SB)/8, $0x0000000000000000
DATA packidx<>+256(SB)/8, $0x0000000700000006
DATA packidx<>+264(SB)/8, $0x0000000000000000
DATA packidx<>+272(SB)/8, $0x0000000000000000
DATA packidx<>+280(SB)/8, $0x0000000000000000
DATA packidx<>+288(SB)/8, $0x0000000100000000
DATA packidx<>+296(SB)/8, $0x0000000700000006
DATA packidx<>+304(SB)/8, $0x0000000000000000
DATA packidx<>+312(SB)/8, $0x0000000000000000
DATA packidx<>+320(SB)/8, $0x0000000300000002
DATA packidx<>+328(SB)/8, $0x0000000700000006
DATA packidx<>+336(SB)/8, $0x0000000000000000
DATA packidx<>+344(SB)/8, $0x0000000000000000
DATA packidx<>+352(SB)/8, $0x0000000100000000
DATA packidx<>+360(SB)/8, $0x0000000300000002
DATA packidx<>+368(SB)/8, $0x0000000700000006
DATA packidx<>+376(SB)/8, $0x0000000000000000
DATA packidx<>+384(SB)/8, $0x0000000500000004
DATA packidx<>+392(SB)/8, $0x0000000700000006
DATA packidx<>+400(SB)/8, $0x0000000000000000
DATA packidx<>+408(SB)/8, $0x0000000000000000
DATA packidx<>+416(SB)/8, $0x0000000100000000
DATA packidx<>+424(SB)/8, $0x0000000500000004
DATA packidx<>+432(SB)/8, $0x0000000700000006
DATA packidx<>+440(SB)/8, $0x0000000000000000
DATA packidx<>+448(SB)/8, $0x0000000300000002
DATA packidx<>+456(SB)/8, $0x0000000500000004
DATA packidx<>+464(SB)/8, $0x0000000700000006
DATA packidx<>+472(SB)/8, $0x0000000000000000
DATA packidx<>+480(SB)/8, $0x0000000100000000
DATA packidx<>+488(SB)/8, $0x0000000300000002
DATA packidx<>+496(SB)/8, $0x0000000500000004
DATA packidx<>+504(SB)/8, $0x0000000700000006
GLOBL packidx<>(SB), RODATA|NOPTR, $512

// func twistAVX2(mt *uint32, off, chunks int)
//
// For i in [0, 8·chunks): y = mt[i]&upper | mt[i+1]&lower,
// mt[i] = mt[i+off] ^ y>>1 ^ (y&1)·A, eight words at a time. Every word a
// block reads other than mt[i+off] is one the block has not yet
// rewritten, and mt[i+off] is either ahead of the block (off = 397) or
// already rewritten (off = -227), as in the sequential loop.
TEXT ·twistAVX2(SB), NOSPLIT, $0-24
	MOVQ    mt+0(FP), DI
	MOVQ    off+8(FP), DX
	MOVQ    chunks+16(FP), CX
	SHLQ    $2, DX
	VMOVDQU mtc<>+0(SB), Y15
	VMOVDQU mtc<>+32(SB), Y14
	VMOVDQU mtc<>+64(SB), Y13
	VMOVDQU mtc<>+96(SB), Y12
	VPXOR   Y11, Y11, Y11
	TESTQ   CX, CX
	JZ      twistdone

twistloop:
	VPAND   (DI), Y15, Y0
	VPAND   4(DI), Y14, Y1
	VPOR    Y1, Y0, Y0       // y
	VPAND   Y12, Y0, Y1
	VPSUBD  Y1, Y11, Y1      // -(y&1)
	VPAND   Y13, Y1, Y1      // -(y&1) & A
	VPSRLD  $1, Y0, Y0
	VPXOR   (DI)(DX*1), Y0, Y0
	VPXOR   Y1, Y0, Y0
	VMOVDQU Y0, (DI)
	ADDQ    $32, DI
	DECQ    CX
	JNZ     twistloop

twistdone:
	VZEROUPPER
	RET

// func temperAVX2(out, mt *uint32, n int)
//
// out[i] = temper(mt[i]) for n a multiple of 8.
TEXT ·temperAVX2(SB), NOSPLIT, $0-24
	MOVQ    out+0(FP), DI
	MOVQ    mt+8(FP), SI
	MOVQ    n+16(FP), CX
	SHRQ    $3, CX
	VMOVDQU mtc<>+128(SB), Y15
	VMOVDQU mtc<>+160(SB), Y14
	TESTQ   CX, CX
	JZ      temperdone

temperloop:
	VMOVDQU (SI), Y0
	VPSRLD  $11, Y0, Y1
	VPXOR   Y1, Y0, Y0
	VPSLLD  $7, Y0, Y1
	VPAND   Y15, Y1, Y1
	VPXOR   Y1, Y0, Y0
	VPSLLD  $15, Y0, Y1
	VPAND   Y14, Y1, Y1
	VPXOR   Y1, Y0, Y0
	VPSRLD  $18, Y0, Y1
	VPXOR   Y1, Y0, Y0
	VMOVDQU Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     temperloop

temperdone:
	VZEROUPPER
	RET

// func polarAVX2(out *uint32, m int, x1, x2, r2 *float64, n int) (consumed, accepted int)
//
// Runs the polar method's draws on the tempered outputs out[0:4·m], m a
// positive multiple of 4, four candidates at a time: candidate j is
// x1 = 2·((a>>5)·2^26 + (b>>6))/2^53 - 1 and x2 likewise from c, d, with
// a, b, c, d = out[4j:4j+4], and r2 = x1² + x2². Accepted candidates
// (0 < r2 < 1) are packed in order into x1, x2, r2, which must have room
// for n+3 values. It stops after the n-th acceptance and returns how many
// candidates it used and how many it accepted (at most n).
TEXT ·polarAVX2(SB), NOSPLIT, $0-64
	MOVQ         out+0(FP), SI
	MOVQ         m+8(FP), R8
	MOVQ         x1+16(FP), DI
	MOVQ         x2+24(FP), R10
	MOVQ         r2+32(FP), R11
	MOVQ         n+40(FP), R9
	XORQ         R12, R12               // accepted
	XORQ         R13, R13               // candidates used
	VMOVDQU      polc<>+0(SB), Y15
	VBROADCASTSD polc<>+32(SB), Y14
	VBROADCASTSD polc<>+40(SB), Y13
	VBROADCASTSD polc<>+48(SB), Y12
	VXORPD       Y11, Y11, Y11
	LEAQ         packidx<>(SB), R14

polarloop:
	CMPQ         R13, R8
	JGE          polardone
	VMOVDQU      (SI), Y0
	VMOVDQU      32(SI), Y1
	VPERMD       Y0, Y15, Y0
	VPERMD       Y1, Y15, Y1
	VPUNPCKLQDQ  Y1, Y0, Y2             // a0..a3 | c0..c3
	VPUNPCKHQDQ  Y1, Y0, Y3             // b0..b3 | d0..d3
	VPSRLD       $5, Y2, Y2
	VPSRLD       $6, Y3, Y3
	VCVTDQ2PD    X2, Y4
	VEXTRACTI128 $1, Y2, X2
	VCVTDQ2PD    X2, Y5
	VCVTDQ2PD    X3, Y6
	VEXTRACTI128 $1, Y3, X3
	VCVTDQ2PD    X3, Y7
	VMULPD       Y14, Y4, Y4
	VADDPD       Y6, Y4, Y4
	VMULPD       Y13, Y4, Y4
	VADDPD       Y4, Y4, Y4
	VSUBPD       Y12, Y4, Y4            // x1
	VMULPD       Y14, Y5, Y5
	VADDPD       Y7, Y5, Y5
	VMULPD       Y13, Y5, Y5
	VADDPD       Y5, Y5, Y5
	VSUBPD       Y12, Y5, Y5            // x2
	VMULPD       Y4, Y4, Y8
	VMULPD       Y5, Y5, Y9
	VADDPD       Y9, Y8, Y8             // r2
	VCMPPD       $0x11, Y12, Y8, Y9     // r2 < 1
	VCMPPD       $0x0c, Y11, Y8, Y10    // r2 != 0
	VANDPD       Y10, Y9, Y9
	VMOVMSKPD    Y9, AX
	MOVQ         AX, BX
	SHLQ         $5, BX
	VMOVDQU      (R14)(BX*1), Y10
	VPERMD       Y4, Y10, Y4
	VPERMD       Y5, Y10, Y5
	VPERMD       Y8, Y10, Y8
	VMOVUPD      Y4, (DI)(R12*8)
	VMOVUPD      Y5, (R10)(R12*8)
	VMOVUPD      Y8, (R11)(R12*8)
	POPCNTQ      AX, CX
	ADDQ         CX, R12
	ADDQ         $4, R13
	ADDQ         $64, SI
	CMPQ         R12, R9
	JL           polarloop

	// The n-th acceptance is in this block: it is the d-th set bit of
	// the mask, d = n - (accepted before the block).
	MOVQ R9, DX
	SUBQ R12, DX
	ADDQ CX, DX

polarfind:
	BSFQ AX, BX
	DECQ DX
	JZ   polarfound
	BTRQ BX, AX
	JMP  polarfind

polarfound:
	SUBQ $3, R13
	ADDQ BX, R13
	MOVQ R9, R12

polardone:
	MOVQ R13, consumed+48(FP)
	MOVQ R12, accepted+56(FP)
	VZEROUPPER
	RET

// func polarFactorAVX2(ln, r2 *float64, n int)
//
// ln[i] = sqrt(-2·ln[i]/r2[i]).
TEXT ·polarFactorAVX2(SB), NOSPLIT, $0-24
	MOVQ         ln+0(FP), DI
	MOVQ         r2+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSD polc<>+56(SB), Y15
	XORQ         AX, AX
	MOVQ         CX, R9
	ANDQ         $-4, R9
	SHLQ         $3, R9
	SHLQ         $3, CX

factorloop:
	CMPQ    AX, R9
	JGE     factortail
	VMULPD  (DI)(AX*1), Y15, Y0
	VDIVPD  (SI)(AX*1), Y0, Y0
	VSQRTPD Y0, Y0
	VMOVUPD Y0, (DI)(AX*1)
	ADDQ    $32, AX
	JMP     factorloop

factortail:
	CMPQ   AX, CX
	JGE    factordone
	VMULSD (DI)(AX*1), X15, X0
	VDIVSD (SI)(AX*1), X0, X0
	VSQRTSD X0, X0, X0
	VMOVSD X0, (DI)(AX*1)
	ADDQ   $8, AX
	JMP    factortail

factordone:
	VZEROUPPER
	RET

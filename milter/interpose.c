/*
 * interpose.c - msgsec-milter's replacements for four libc calls,
 * process-wide (symbol interposition: libmilter's own calls resolve to
 * them).  Linked into msgsec-milter only, never into the pipeline
 * library the tests and fuzzers use.
 *
 * Three behaviours of libmilter are adjusted here, each with a small shim:
 *  - its signal thread treats SIGHUP as "stop"; msgsec needs SIGHUP to mean
 *    "reload", so the sigwait() it calls never waits for SIGHUP, and a
 *    thread of ours does (reload.c);
 *  - it never sets TCP_NODELAY on the sockets it accepts, so on loopback
 *    TCP every reply waits for a delayed ACK (~40-90 ms per message); the
 *    accept() it calls sets TCP_NODELAY and TCP_QUICKACK;
 *  - Linux re-enters delayed-ACK mode by itself, so the read() it calls
 *    re-arms TCP_QUICKACK on those sockets (close() forgets them).
 *
 * Trusts its callers as libc does; the descriptor table is a bitmap of
 * TCP_FD_MAX bits (descriptors past it are simply not re-armed), updated
 * with atomic operations since every libmilter thread reads and closes.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

int sigwait(const sigset_t *set, int *sig);
int accept(int fd, struct sockaddr *addr, socklen_t *len);
ssize_t read(int fd, void *buf, size_t len);
int close(int fd);

/*
 * TCP connections the accept shim saw, by descriptor: on these every read
 * re-arms TCP_QUICKACK, because Linux drops back to delayed ACKs by
 * itself and the MTA's next small write would then wait ~40 ms for our
 * ACK behind Nagle.  close() forgets the descriptor.
 */
#define TCP_FD_MAX 65536
static unsigned char tcp_fd[TCP_FD_MAX / 8];

static bool
tcp_fd_has(int fd)
{
	return fd >= 0 && fd < TCP_FD_MAX &&
	    (__atomic_load_n(&tcp_fd[fd / 8], __ATOMIC_RELAXED) &
	    (1u << (fd % 8))) != 0;
}

static void
tcp_fd_set(int fd, bool on)
{
	if (fd < 0 || fd >= TCP_FD_MAX)
		return;
	if (on)
		__atomic_fetch_or(&tcp_fd[fd / 8], (unsigned char)(1u << (fd % 8)),
		    __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&tcp_fd[fd / 8],
		    (unsigned char)~(1u << (fd % 8)), __ATOMIC_RELAXED);
}

ssize_t
read(int fd, void *buf, size_t len)
{
	ssize_t n = (ssize_t)syscall(SYS_read, fd, buf, len);

	if (n > 0 && tcp_fd_has(fd)) {
		int one = 1;

		(void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one,
		    sizeof(one));
	}
	return n;
}

int
close(int fd)
{
	tcp_fd_set(fd, false);
	return (int)syscall(SYS_close, fd);
}

/* libmilter's signal thread: everything it asks for, except SIGHUP. */
int
sigwait(const sigset_t *set, int *sig)
{
	sigset_t s = *set;
	int r;

	sigdelset(&s, SIGHUP);
	do {
		r = sigwaitinfo(&s, NULL);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno;
	*sig = r;
	return 0;
}

int
accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	int s = (int)syscall(SYS_accept4, fd, addr, len, 0);

	if (s >= 0) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		int one = 1;

		if (getsockname(s, (struct sockaddr *)&ss, &sl) == 0 &&
		    (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)) {
			(void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one,
			    sizeof(one));
			(void)setsockopt(s, IPPROTO_TCP, TCP_QUICKACK, &one,
			    sizeof(one));
			tcp_fd_set(s, true);
		} else {
			tcp_fd_set(s, false);
		}
	}
	return s;
}

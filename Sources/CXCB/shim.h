#pragma once
// X11 through XCB, with the MIT-SHM extension, for screen capture (Debian libxcb1-dev, libxcb-shm0-dev).
#include <xcb/xcb.h>
#include <xcb/shm.h>
#include <sys/ipc.h>
#include <sys/shm.h>
